import { DeviceIdentity, keyPairFromSeed, signObject } from './signed-keys';

function curve25519(): string {
  return keyPairFromSeed('x25519').publicKeyBase64;
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
