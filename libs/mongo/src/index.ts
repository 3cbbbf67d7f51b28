export * from './mongo-config';
export * from './checkpoints';
