export * from './signed-keys';
export * from './decider-spec';
export * from './signed-one-time-keys';
export * from './cross-signing-keys';
export * from './homeserver-commands';
export * from './domain-events';
