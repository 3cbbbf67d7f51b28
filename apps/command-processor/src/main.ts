import 'reflect-metadata';
import { bootstrapProcessor } from './bootstrap';

void bootstrapProcessor();
