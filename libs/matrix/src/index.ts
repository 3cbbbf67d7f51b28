export * from './canonical-json';
export * from './ed25519';
export * from './base64';
export * from './errors';
export * from './ids';
export * from './own-entries';
