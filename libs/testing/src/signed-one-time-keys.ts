import { generateKeyPairSync } from 'node:crypto';
import { encodeUnpaddedBase64 } from '@app/matrix';
import { DeviceIdentity } from './signed-keys';
import { signObject } from './signed-keys';

function curve25519(): string {
  return encodeUnpaddedBase64(Buffer.from(generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x!, 'base64url'));
}

/** `one_time_keys` as a client uploads them: `signed_curve25519:<id>` objects signed by the device. */
export function signedOneTimeKeys(device: DeviceIdentity, ids: readonly string[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    ids.map((id) => [`signed_curve25519:${id}`, signObject({ key: curve25519() }, device.userId, `ed25519:${device.deviceId}`, device.privateKey)]),
  );
}

/** `fallback_keys` with one signed key marked `fallback: true`, as clients send it. */
export function signedFallbackKey(device: DeviceIdentity, id: string): Record<string, Record<string, unknown>> {
  return { [`signed_curve25519:${id}`]: signObject({ key: curve25519(), fallback: true }, device.userId, `ed25519:${device.deviceId}`, device.privateKey) };
}
