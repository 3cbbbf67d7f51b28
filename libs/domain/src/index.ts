export * from './user-keys/user-keys.state';
export * from './user-keys/user-keys.evolve';
export * from './user-keys/user-keys.decide';
export * from './user-keys/decision';
export * from './user-keys/decide-batch';
export * from './room-key-backup/keep-or-replace';
export * from './cross-signing/cross-signing.decide';
