import { KeyObject, createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto';
import { encodeUnpaddedBase64, signedBytes } from '@app/matrix';

/** A device's ed25519 identity key pair, for building correctly signed Matrix key objects. */
export interface DeviceIdentity {
  readonly userId: string;
  readonly deviceId: string;
  readonly ed25519: string;
  readonly curve25519: string;
  readonly privateKey: KeyObject;
}

/** PKCS#8 DER of a key from a 32-byte seed: this prefix, then the seed (RFC 8410). */
const PKCS8_PREFIX = { ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'), x25519: Buffer.from('302e020100300506032b656e04220420', 'hex') };

/**
 * A key pair from 32 random bytes, not from `generateKeyPairSync`: Node 20.20 deadlocks when a
 * garbage collection finalises a key-generation job while a key is being exported (seen after
 * ~20,000-100,000 generated pairs in one process: `KeyGenJob::~KeyGenJob` waiting on the mutex
 * `ExportJWK` holds). Importing a seed creates no job.
 */
export function keyPairFromSeed(kind: 'ed25519' | 'x25519'): { privateKey: KeyObject; publicKeyBase64: string } {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX[kind], randomBytes(32)]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyBase64: encodeUnpaddedBase64(spki.subarray(spki.length - 32)) };
}

export function newDeviceIdentity(userId: string, deviceId: string): DeviceIdentity {
  const { privateKey, publicKeyBase64 } = keyPairFromSeed('ed25519');
  return { userId, deviceId, ed25519: publicKeyBase64, curve25519: keyPairFromSeed('x25519').publicKeyBase64, privateKey };
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
