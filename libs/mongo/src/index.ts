export * from './mongo-config';
export * from './checkpoints';
export * from './bulk-write';
export * from './hash';
export * from './command-log';
