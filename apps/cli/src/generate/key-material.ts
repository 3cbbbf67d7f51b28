import { DeviceIdentity, newDeviceIdentity, signedDeviceKeys, signedFallbackKey, signedOneTimeKeys } from '@app/testing';

/**
 * Key objects for generated devices, built with the same builders the tests use: every device has
 * its own ed25519 identity, and device keys, one-time keys and fallback keys are signed by it over
 * canonical JSON. Identities are random (node:crypto); ids and counts come from the seeded plan.
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
  uploadBody(op: { userId: string; deviceId: string; deviceKeys: boolean; oneTimeKeyIds: readonly string[]; fallbackId: string | null }): Record<string, unknown> {
    const device = this.identity(op.userId, op.deviceId);
    return {
      ...(op.deviceKeys ? { device_keys: signedDeviceKeys(device) } : {}),
      ...(op.oneTimeKeyIds.length > 0 ? { one_time_keys: signedOneTimeKeys(device, op.oneTimeKeyIds) } : {}),
      ...(op.fallbackId ? { fallback_keys: signedFallbackKey(device, op.fallbackId) } : {}),
    };
  }
}
