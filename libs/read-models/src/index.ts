export * from './projection/projection';
export * from './projection/apply-events';
export * from './projection/projection-registry';
export * from './projection/digest';
export * from './device-keys/device-keys.projection';
export * from './device-keys/device-keys.queries';
export * from './projections';
