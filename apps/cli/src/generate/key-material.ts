import { randomBytes } from 'node:crypto';
import { encodeUnpaddedBase64 } from '@app/matrix';
import { DeviceIdentity, newDeviceIdentity, signObject, signedDeviceKeys } from '@app/testing';

/**
 * Key objects for generated devices, built with the same builders the tests use: every device has
 * its own ed25519 identity, and device keys, one-time keys and fallback keys are signed by it over
 * canonical JSON (`signObject`). Identities are random (node:crypto); ids and counts come from the
 * seeded plan.
 *
 * One-time and fallback keys carry 32 random bytes as their Curve25519 public key instead of a
 * generated X25519 pair (the test builder's way): every 32-byte string is a valid X25519 public
 * key, the server never uses it, and Node 20.20 deadlocks when `KeyObject.export({format: 'jwk'})`
 * runs into a garbage collection that finalises a key-generation job (seen here after ~100,000
 * generated keys: main thread blocked in `KeyGenJob::~KeyGenJob` on the mutex `ExportJWK` holds).
 */
export class KeyMaterial {
  private readonly identities = new Map<string, DeviceIdentity>();

  identity(userId: string, deviceId: string): DeviceIdentity {
    const slot = `${userId}|${deviceId}`;
    let identity = this.identities.get(slot);
    if (!identity) {
      identity = newDeviceIdentity(userId, deviceId);
      this.identities.set(slot, identity);
    }
    return identity;
  }

  forget(userId: string, deviceId: string): void {
    this.identities.delete(`${userId}|${deviceId}`);
  }

  /** The body of POST /keys/upload. */
  uploadBody(op: {
    userId: string;
    deviceId: string;
    deviceKeys: boolean;
    oneTimeKeyIds: readonly string[];
    fallbackId: string | null;
  }): Record<string, unknown> {
    const device = this.identity(op.userId, op.deviceId);
    const sign = (object: Record<string, unknown>) => signObject(object, device.userId, `ed25519:${device.deviceId}`, device.privateKey);
    const curve = () => encodeUnpaddedBase64(randomBytes(32));
    return {
      ...(op.deviceKeys ? { device_keys: signedDeviceKeys(device) } : {}),
      ...(op.oneTimeKeyIds.length > 0
        ? { one_time_keys: Object.fromEntries(op.oneTimeKeyIds.map((id) => [`signed_curve25519:${id}`, sign({ key: curve() })])) }
        : {}),
      ...(op.fallbackId ? { fallback_keys: { [`signed_curve25519:${op.fallbackId}`]: sign({ key: curve(), fallback: true }) } } : {}),
    };
  }
}
