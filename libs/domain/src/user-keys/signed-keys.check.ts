import { UploadedKey } from '@app/contracts';
import { verifyObjectSignature } from '@app/matrix';
import { algorithmOf } from './user-keys.state';

/** The device's ed25519 key from its uploaded device keys, if they have one. */
export function signingKeyOf(keysJson: string | null, deviceId: string): string | null {
  if (keysJson === null) return null;
  const keys = (JSON.parse(keysJson) as { keys?: Record<string, unknown> }).keys;
  const key = keys?.[`ed25519:${deviceId}`];
  return typeof key === 'string' ? key : null;
}

/**
 * Why a `signed_*` one-time or fallback key is not signed by the device's ed25519 key, or null
 * when it is (or needs no signature). Pure: the API runs it at the edge, decide when the edge did not.
 */
export function signedKeyProblem(key: UploadedKey, userId: string, deviceId: string, signingKey: string | null): string | null {
  if (!algorithmOf(key.keyName).startsWith('signed_')) return null;
  if (signingKey === null) return `Cannot verify ${key.keyName}: upload the device keys of ${deviceId} first`;
  const value = JSON.parse(key.json) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${key.keyName} must be a signed key object`;
  return verifyObjectSignature(value as Record<string, unknown>, userId, `ed25519:${deviceId}`, signingKey)
    ? null
    : `${key.keyName} is not correctly signed by ed25519:${deviceId}`;
}
