import 'reflect-metadata';
import { bootstrapProjector } from './bootstrap';

void bootstrapProjector();
