import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { UploadedKey } from '@app/contracts';
import { algorithmOf, signedKeyProblem, signingKeyOf } from '@app/domain';
import { MONGO_DB } from '@app/platform';
import { ProjectionBuckets, ProjectionRegistry, UserDevicesDoc, deviceKeysProjection, findUserDevices } from '@app/read-models';
import { ReadCaches } from '../read-cache/read-caches';

/**
 * Verifies an upload's `signed_*` keys here, where requests run side by side on every API
 * instance, instead of in the partition owner's single decide loop (~0.45 ms per signature, 50 per
 * typical upload). Returns the device key they all verify against, or null to leave the check to
 * decide: no signed keys, no known device key, or a bad signature (decide then refuses it with its
 * usual error). Decide trusts the answer only when it equals the device's key in its own state, so
 * a stale or missing read here costs speed, never correctness.
 */
@Injectable()
export class EdgeSignatures {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly caches: ReadCaches,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async verifiedWith(userId: string, deviceId: string, uploadedDeviceKeysJson: string | null, keys: readonly UploadedKey[]): Promise<string | null> {
    if (!keys.some((k) => algorithmOf(k.keyName).startsWith('signed_'))) return null;
    const signingKey = signingKeyOf(uploadedDeviceKeysJson ?? (await this.knownDeviceKeys(userId, deviceId)), deviceId);
    if (signingKey === null) return null;
    return keys.every((k) => signedKeyProblem(k, userId, deviceId, signingKey) === null) ? signingKey : null;
  }

  private async knownDeviceKeys(userId: string, deviceId: string): Promise<string | null> {
    try {
      const copy = this.caches.deviceKeys.get(userId);
      const doc =
        copy !== undefined
          ? copy
          : (await findUserDevices(await ProjectionBuckets.forReading<UserDevicesDoc>(this.db, deviceKeysProjection.name, await this.registry.active(deviceKeysProjection.name)), [userId])).get(userId);
      return doc?.devices.find((d) => d.deviceId === deviceId)?.keysJson ?? null;
    } catch {
      return null; // the store is unreachable: decide verifies
    }
  }
}
