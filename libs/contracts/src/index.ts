export * from './envelope';
export * from './topics';
export * from './commands';
export * from './events';
export * from './replies';
export * from './codec';
export * from './upcasters';
export * from './homeserver-events';
