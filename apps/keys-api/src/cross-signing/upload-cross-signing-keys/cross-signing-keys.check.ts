import { CrossSigningKeyUpload, CrossSigningKind } from '@app/contracts';
import { CanonicalJsonError, MatrixError, canonicalJson } from '@app/matrix';

const FIELDS: readonly [string, CrossSigningKind][] = [
  ['master_key', 'master'],
  ['self_signing_key', 'self_signing'],
  ['user_signing_key', 'user_signing'],
];

/**
 * Stateless checks of `/keys/device_signing/upload` keys, in field order (the first error wins, which
 * is why the DTO does not check them): an object whose `user_id` is the caller,
 * whose `usage` holds its kind, with exactly one `ed25519:<public key>` entry in `keys`
 * (otherwise 400 M_INVALID_PARAM). Signatures are checked by the owner, who knows the master key.
 */
export function crossSigningKeysOf(body: Record<string, unknown>, userId: string): CrossSigningKeyUpload[] {
  const keys: CrossSigningKeyUpload[] = [];
  for (const [field, kind] of FIELDS) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new MatrixError('M_INVALID_PARAM', `${field} must be an object`);
    const key = value as Record<string, unknown>;
    if (key.user_id !== userId) throw new MatrixError('M_INVALID_PARAM', `${field}.user_id must be ${userId}`);
    if (!Array.isArray(key.usage) || !key.usage.includes(kind)) throw new MatrixError('M_INVALID_PARAM', `${field}.usage must contain ${kind}`);
    const entries = typeof key.keys === 'object' && key.keys !== null && !Array.isArray(key.keys) ? Object.entries(key.keys) : [];
    if (entries.length !== 1) throw new MatrixError('M_INVALID_PARAM', `${field}.keys must hold exactly one key`);
    const [keyId, publicKey] = entries[0];
    if (typeof publicKey !== 'string' || keyId !== `ed25519:${publicKey}`)
      throw new MatrixError('M_INVALID_PARAM', `${field}.keys must be {"ed25519:<key>": "<key>"}`);
    try {
      keys.push({ kind, publicKey, json: canonicalJson(key) });
    } catch (err) {
      if (err instanceof CanonicalJsonError) throw new MatrixError('M_BAD_JSON', `${field}: ${err.message}`);
      throw err;
    }
  }
  return keys;
}
