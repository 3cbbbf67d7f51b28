import { KeyObject } from 'node:crypto';
import { newDeviceIdentity, signObject } from './signed-keys';

/** A cross-signing key pair and its uploadable object, as a client builds it. */
export interface CrossSigningKeyPair {
  readonly publicKey: string;
  readonly privateKey: KeyObject;
  readonly object: Record<string, unknown>;
}

/** `usage` holds the kind; exactly one `ed25519:<public key>` entry; signed by `signer` when given. */
export function crossSigningKey(userId: string, usage: 'master' | 'self_signing' | 'user_signing', signer?: CrossSigningKeyPair): CrossSigningKeyPair {
  const identity = newDeviceIdentity(userId, 'unused');
  const object = { user_id: userId, usage: [usage], keys: { [`ed25519:${identity.ed25519}`]: identity.ed25519 } };
  const signed = signer ? signObject(object, userId, `ed25519:${signer.publicKey}`, signer.privateKey) : object;
  return { publicKey: identity.ed25519, privateKey: identity.privateKey, object: signed };
}
