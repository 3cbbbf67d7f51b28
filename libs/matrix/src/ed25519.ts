import { createPublicKey, verify, KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { decodeUnpaddedBase64 } from './base64';

/** The bytes a Matrix signature covers: the object without `signatures` and `unsigned`. */
export function signedBytes(object: Record<string, unknown>): Buffer {
  const { signatures: _signatures, unsigned: _unsigned, ...rest } = object;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

export function ed25519PublicKey(unpaddedBase64: string): KeyObject | undefined {
  const raw = decodeUnpaddedBase64(unpaddedBase64);
  if (!raw || raw.length !== 32) return undefined;
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/**
 * Verifies `object.signatures[signerUserId][keyId]` with the given ed25519 public key.
 * Returns false for a missing, malformed or wrong signature.
 */
export function verifyObjectSignature(object: Record<string, unknown>, signerUserId: string, keyId: string, publicKeyBase64: string): boolean {
  const signatures = object.signatures as Record<string, Record<string, unknown>> | undefined;
  const signature = signatures?.[signerUserId]?.[keyId];
  if (typeof signature !== 'string') return false;
  const sig = decodeUnpaddedBase64(signature);
  const key = ed25519PublicKey(publicKeyBase64);
  if (!sig || sig.length !== 64 || !key) return false;
  try {
    return verify(null, signedBytes(object), key, sig);
  } catch {
    return false;
  }
}
