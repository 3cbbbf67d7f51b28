export * from './signed-keys';
export * from './decider-spec';
