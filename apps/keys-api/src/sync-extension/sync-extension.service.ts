import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { PositionVector, RoutedCommand, encodeStreamToken, isAfter, laterOf } from '@app/contracts';
import { MONGO_DB } from '@app/platform';
import {
  DeviceListChanges,
  OneTimeKeySummary,
  ProjectionRegistry,
  ToDeviceRow,
  checkpointOwner,
  collectionName,
  deviceListFeedName,
  deviceListsProjection,
  oneTimeKeySummary,
  ProjectionBuckets,
  oneTimeKeysProjection,
  pendingToDevice,
  toDeviceFeedName,
  toDeviceProjection,
} from '@app/read-models';
import { Requester } from '../auth/requester';
import { CommandGateway } from '../command-gateway/command-gateway';
import { DeviceListReader } from '../device-lists/device-list-reader';
import { DeviceListWatcher } from '../device-lists/device-list-watcher';
import { ReadBarrier } from '../read-barrier/read-barrier';
import { CheckpointReads } from '../read-barrier/checkpoint-reads';

/** At most this many to-device messages per response; the next request returns at once while more wait. */
export const TO_DEVICE_PER_RESPONSE = 100;

export type SyncExtensionResponse = {
  next_batch: string;
  device_lists?: DeviceListChanges;
  to_device?: { events: { sender: string; type: string; content: unknown }[] };
} & Partial<OneTimeKeySummary>;

/**
 * The E2EE part of /sync for one device. With `since`, it waits (up to the timeout) until the
 * device lists the caller sees have changed or a to-device message arrives. The token it returns
 * covers only what both read models had applied before they were read, so nothing falls between
 * two syncs; a later `since` acknowledges the to-device messages delivered before it.
 */
@Injectable()
export class SyncExtensionService {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly deviceLists: DeviceListReader,
    private readonly watcher: DeviceListWatcher,
    private readonly barrier: ReadBarrier,
    private readonly gateway: CommandGateway,
    private readonly checkpoints: CheckpointReads,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async sync(requester: Requester, since: PositionVector | null, timeoutMs: number, correlationId: string): Promise<SyncExtensionResponse> {
    const deadline = Date.now() + timeoutMs;
    const version = await this.deviceLists.activeVersion();
    const inboxVersion = await this.registry.active(toDeviceProjection.name);
    // Own writes, and messages acknowledged to their senders, are visible first.
    await Promise.all([
      this.barrier.waitForUsers(deviceListsProjection.name, version, [requester.userId]),
      this.barrier.waitForUsers(toDeviceProjection.name, inboxVersion, [requester.userId]),
    ]);
    // The first read of the inbox also tells what `since` acknowledges.
    let acknowledged = !since || !requester.deviceId;
    for (;;) {
      // Read the applied positions first: every row at or below them is then visible to the queries.
      const [listsApplied, inboxApplied] = await Promise.all([this.deviceLists.appliedPositions(version), this.applied(toDeviceProjection.name, inboxVersion)]);
      const applied = lowerOf(listsApplied, inboxApplied);
      let next = since ? laterOf(applied, since) : applied;
      const inbox = await this.inbox(requester, inboxVersion, since, next);
      if (!acknowledged) {
        acknowledged = true;
        if (inbox.receivedUpTo !== undefined) await this.acknowledge(requester, inbox.receivedUpTo, correlationId);
      }
      if (inbox.capAt) next = next.map((offset, p) => (p === inbox.capAt!.partition ? inbox.capAt!.offset : offset));
      const toDevice = requester.deviceId ? { to_device: { events: inbox.events } } : {};
      if (!since) return { next_batch: encodeStreamToken(next), ...toDevice, ...(await this.keyCounts(requester)) };
      const { changed, left, joinedRooms } = await this.deviceLists.changesSince(version, requester.userId, since, next);
      const remaining = deadline - Date.now();
      if (changed.length > 0 || left.length > 0 || inbox.events.length > 0 || remaining <= 0) {
        return { next_batch: encodeStreamToken(next), device_lists: { changed, left }, ...toDevice, ...(await this.keyCounts(requester)) };
      }
      const feeds = [
        { feed: deviceListFeedName(version), checkpointOwner: checkpointOwner(deviceListsProjection.name, version) },
        { feed: toDeviceFeedName(inboxVersion), checkpointOwner: checkpointOwner(toDeviceProjection.name, inboxVersion) },
      ];
      await this.watcher.waitForChange(feeds, { userId: requester.userId, rooms: new Set(joinedRooms), after: next }, remaining);
    }
  }

  /**
   * Messages for this device after `since` and covered by `next`, in queue order, at most 100.
   * When more wait, the token stops at the last one handed out, so the rest come next time.
   * The inbox is read by `_id` (head, then windows) only as far as needed: a device's messages are
   * in one partition, so queue order is log order and the ones at or below `since` come first
   * (`receivedUpTo`: the last of them, which `since` acknowledges).
   */
  private async inbox(
    requester: Requester,
    version: number,
    since: PositionVector | null,
    next: PositionVector,
  ): Promise<{ events: { sender: string; type: string; content: unknown }[]; capAt?: { partition: number; offset: number }; receivedUpTo?: number }> {
    if (!requester.deviceId) return { events: [] };
    const received = (r: ToDeviceRow) => since !== null && !isAfter(since, r.partition, r.offset);
    const rows = await pendingToDevice(
      this.inboxCollection(version),
      requester.userId,
      requester.deviceId,
      (read) => read.filter((r) => !received(r)).length > TO_DEVICE_PER_RESPONSE || read.some((r) => isAfter(next, r.partition, r.offset)),
    );
    const receivedRows = rows.filter(received);
    const fresh = rows.filter((r) => !received(r) && !isAfter(next, r.partition, r.offset));
    const handed = fresh.slice(0, TO_DEVICE_PER_RESPONSE);
    const events = handed.map((r) => ({ sender: r.sender, type: r.type, content: JSON.parse(r.contentJson) as unknown }));
    const last = handed[handed.length - 1];
    const receivedUpTo = receivedRows.length > 0 ? Math.max(...receivedRows.map((r) => r.seq)) : undefined;
    return fresh.length > TO_DEVICE_PER_RESPONSE ? { events, capAt: { partition: last.partition, offset: last.offset }, receivedUpTo } : { events, receivedUpTo };
  }

  /** Messages up to `upToSeq` were in an earlier response: the owner may drop them (fire and forget). */
  private async acknowledge(requester: Requester, upToSeq: number, correlationId: string): Promise<void> {
    const ack: RoutedCommand = {
      id: JSON.stringify(['ack', requester.userId, requester.deviceId, upToSeq]),
      type: 'AckToDevice',
      schemaVersion: 1,
      key: requester.userId,
      time: Date.now(),
      correlationId,
      causationId: null,
      data: { userId: requester.userId, deviceId: requester.deviceId!, upToSeq },
      routing: { replyTo: '' },
    };
    await this.gateway.submit([ack]);
  }

  private async applied(projection: string, version: number): Promise<PositionVector> {
    const stored = await this.checkpoints.load(checkpointOwner(projection, version));
    const length = Math.max(0, ...[...stored.keys()].map((p) => p + 1));
    return Array.from({ length }, (_, p) => Number(stored.get(p) ?? -1));
  }

  private inboxCollection(version: number) {
    return this.db.collection(collectionName(toDeviceProjection.name, version));
  }

  /** The device's one-time-key counts and unused fallback key types (own writes included). */
  private async keyCounts(requester: Requester): Promise<Partial<OneTimeKeySummary>> {
    if (requester.deviceId === null) return {};
    const version = await this.registry.active(oneTimeKeysProjection.name);
    await this.barrier.waitForUsers(oneTimeKeysProjection.name, version, [requester.userId]);
    return oneTimeKeySummary(await ProjectionBuckets.forReading(this.db, oneTimeKeysProjection.name, version), requester.userId, requester.deviceId);
  }
}

/** Entry-wise minimum over the longer length (a partition one side has not seen counts as -1). */
function lowerOf(a: PositionVector, b: PositionVector): PositionVector {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, p) => Math.min(a[p] ?? -1, b[p] ?? -1));
}
