// The per-key state and its decider, as the command-processor uses them.
export * from './user-keys/user-keys.state';
export * from './user-keys/user-keys.evolve';
export * from './user-keys/user-keys.decide';
export * from './user-keys/decide-batch';
export * from './user-keys/aggregates';
export * from './user-keys/homeserver-commands';
export * from './shared/decision';
// The aggregates' states and rules.
export * from './devices/devices.state';
export * from './memberships/memberships.state';
export * from './room-encryption/room-encryption.state';
export * from './cross-signing/cross-signing.state';
export * from './cross-signing/cross-signing.decide';
export * from './room-key-backup/backup.state';
export * from './room-key-backup/keep-or-replace';
