import { CanonicalJsonError, MatrixError, canonicalJson, verifyObjectSignature } from '@app/matrix';
import { Requester } from '../auth/requester';

/**
 * Stateless checks of an uploaded `device_keys` object, done at the edge before the command
 * is sent: ownership, canonical-JSON compatibility and the device's self-signature.
 * Returns the canonical JSON that is stored (without `unsigned`, which the server owns).
 */
export function checkDeviceKeys(deviceKeys: Record<string, unknown>, requester: Requester, deviceId: string, verifySignatures: boolean): string {
  if (deviceKeys.user_id !== requester.userId) {
    throw new MatrixError('M_BAD_JSON', `device_keys.user_id must be your user id ${requester.userId}`);
  }
  if (deviceKeys.device_id !== deviceId) {
    throw new MatrixError('M_BAD_JSON', `device_keys.device_id must be your device id ${deviceId}`);
  }
  const { unsigned: _unsigned, ...stored } = deviceKeys;
  let json: string;
  try {
    json = canonicalJson(stored);
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw new MatrixError('M_BAD_JSON', `device_keys: ${err.message}`);
    throw err;
  }
  if (verifySignatures) {
    const keyId = `ed25519:${deviceId}`;
    const publicKey = (deviceKeys.keys as Record<string, string>)[keyId];
    if (typeof publicKey !== 'string') throw new MatrixError('M_INVALID_PARAM', `device_keys.keys must contain ${keyId}`, 400);
    if (!verifyObjectSignature(stored, requester.userId, keyId, publicKey)) {
      throw new MatrixError('M_INVALID_SIGNATURE', `device_keys is not correctly signed by ${keyId}`);
    }
  }
  return json;
}
