import { UploadedKey } from '@app/contracts';
import { CanonicalJsonError, MatrixError, canonicalJson } from '@app/matrix';

/** Documented limit: one-time keys per upload (clients upload ~50 at a time). */
export const MAX_ONE_TIME_KEYS_PER_UPLOAD = 1000;
export const MAX_FALLBACK_KEYS_PER_UPLOAD = 16;

const KEY_NAME = /^[^:\s]+:[^\s]+$/;

/**
 * `one_time_keys` / `fallback_keys`: names must be `<algorithm>:<key id>`, values a string (an
 * unsigned key) or an object (a signed key). Returns them in upload order with canonical JSON.
 */
export function checkKeyMap(field: 'one_time_keys' | 'fallback_keys', map: Record<string, unknown> | undefined): UploadedKey[] {
  if (!map) return [];
  const names = Object.keys(map);
  const limit = field === 'one_time_keys' ? MAX_ONE_TIME_KEYS_PER_UPLOAD : MAX_FALLBACK_KEYS_PER_UPLOAD;
  if (names.length > limit) throw new MatrixError('M_TOO_LARGE', `At most ${limit} ${field} per upload; nothing was stored`, 413);
  const keys: UploadedKey[] = [];
  const algorithms = new Set<string>();
  for (const keyName of names) {
    if (!KEY_NAME.test(keyName) || keyName.length > 255)
      throw new MatrixError('M_BAD_JSON', `${field}: key names must be <algorithm>:<key id>, not ${JSON.stringify(keyName)}`);
    const value = map[keyName];
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new MatrixError('M_BAD_JSON', `${field}.${keyName} must be a string or a key object`);
    }
    if (field === 'fallback_keys') {
      const algorithm = keyName.slice(0, keyName.indexOf(':'));
      if (algorithms.has(algorithm)) throw new MatrixError('M_INVALID_PARAM', `At most one fallback key per algorithm (${algorithm})`, 400);
      algorithms.add(algorithm);
    }
    try {
      keys.push({ keyName, json: canonicalJson(value) });
    } catch (err) {
      if (err instanceof CanonicalJsonError) throw new MatrixError('M_BAD_JSON', `${field}.${keyName}: ${err.message}`);
      throw err;
    }
  }
  return keys;
}
