export * from './correlation';
export * from './json-logger';
export * from './metrics';
export * from './matrix-exception.filter';
export * from './health';
export * from './ops-http';
export * from './infrastructure.module';
export * from './topology';
