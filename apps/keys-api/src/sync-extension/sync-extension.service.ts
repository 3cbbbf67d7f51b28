import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { PositionVector, encodeStreamToken, laterOf } from '@app/contracts';
import { MONGO_DB } from '@app/platform';
import {
  DeviceListChanges,
  OneTimeKeySummary,
  ProjectionRegistry,
  collectionName,
  deviceListsProjection,
  oneTimeKeySummary,
  oneTimeKeysProjection,
} from '@app/read-models';
import { Requester } from '../auth/requester';
import { DeviceListReader } from '../device-lists/device-list-reader';
import { DeviceListWatcher } from '../device-lists/device-list-watcher';
import { ReadBarrier } from '../read-barrier/read-barrier';

export type SyncExtensionResponse = { next_batch: string; device_lists?: DeviceListChanges } & Partial<OneTimeKeySummary>;

/**
 * The E2EE part of /sync for one device. With `since`, it waits (up to the timeout) until the
 * device lists the caller sees have changed; the token it returns covers everything the read
 * model had applied before it read, so no change falls between two syncs.
 */
@Injectable()
export class SyncExtensionService {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly deviceLists: DeviceListReader,
    private readonly watcher: DeviceListWatcher,
    private readonly barrier: ReadBarrier,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async sync(requester: Requester, since: PositionVector | null, timeoutMs: number): Promise<SyncExtensionResponse> {
    const deadline = Date.now() + timeoutMs;
    const version = await this.deviceLists.activeVersion();
    await this.barrier.waitForUsers(deviceListsProjection.name, version, [requester.userId]); // own writes first
    for (;;) {
      // Read the applied positions first: every row at or below them is then visible to the query.
      const applied = await this.deviceLists.appliedPositions(version);
      const next = since ? laterOf(applied, since) : applied;
      if (!since) return { next_batch: encodeStreamToken(next), ...(await this.keyCounts(requester)) };
      const { changed, left, joinedRooms } = await this.deviceLists.changesSince(version, requester.userId, since);
      const remaining = deadline - Date.now();
      if (changed.length > 0 || left.length > 0 || remaining <= 0) {
        return { next_batch: encodeStreamToken(next), device_lists: { changed, left }, ...(await this.keyCounts(requester)) };
      }
      await this.watcher.waitForChange(version, { userId: requester.userId, rooms: new Set(joinedRooms), after: next }, remaining);
    }
  }

  /** The device's one-time-key counts and unused fallback key types (own writes included). */
  private async keyCounts(requester: Requester): Promise<Partial<OneTimeKeySummary>> {
    if (requester.deviceId === null) return {};
    const version = await this.registry.active(oneTimeKeysProjection.name);
    await this.barrier.waitForUsers(oneTimeKeysProjection.name, version, [requester.userId]);
    return oneTimeKeySummary(this.db.collection(collectionName(oneTimeKeysProjection.name, version)), requester.userId, requester.deviceId);
  }
}
