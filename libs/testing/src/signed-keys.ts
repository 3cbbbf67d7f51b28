import { KeyObject, generateKeyPairSync, sign } from 'node:crypto';
import { encodeUnpaddedBase64, signedBytes } from '@app/matrix';

/** A device's ed25519 identity key pair, for building correctly signed Matrix key objects. */
export interface DeviceIdentity {
  readonly userId: string;
  readonly deviceId: string;
  readonly ed25519: string;
  readonly curve25519: string;
  readonly privateKey: KeyObject;
}

export function newDeviceIdentity(userId: string, deviceId: string): DeviceIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;
  const curve = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }).x!;
  return {
    userId,
    deviceId,
    ed25519: encodeUnpaddedBase64(Buffer.from(raw, 'base64url')),
    curve25519: encodeUnpaddedBase64(Buffer.from(curve, 'base64url')),
    privateKey,
  };
}

/** Adds `signatures[userId]["ed25519:<keyId>"]` over the object's canonical JSON. */
export function signObject<T extends Record<string, unknown>>(object: T, userId: string, keyId: string, privateKey: KeyObject): T {
  const signature = encodeUnpaddedBase64(sign(null, signedBytes(object), privateKey));
  const existing = (object.signatures ?? {}) as Record<string, Record<string, string>>;
  return { ...object, signatures: { ...existing, [userId]: { ...(existing[userId] ?? {}), [keyId]: signature } } };
}

/** `device_keys` as a client uploads it, signed by the device's own ed25519 key. */
export function signedDeviceKeys(device: DeviceIdentity): Record<string, unknown> {
  return signObject(
    {
      user_id: device.userId,
      device_id: device.deviceId,
      algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
      keys: { [`curve25519:${device.deviceId}`]: device.curve25519, [`ed25519:${device.deviceId}`]: device.ed25519 },
    },
    device.userId,
    `ed25519:${device.deviceId}`,
    device.privateKey,
  );
}
