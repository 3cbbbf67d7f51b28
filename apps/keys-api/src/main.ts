import 'reflect-metadata';
import { bootstrapKeysApi } from './bootstrap';

void bootstrapKeysApi().then(({ logger, url }) => logger.write('info', 'keys-api listening', { url }));
