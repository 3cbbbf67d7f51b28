import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { PositionVector, RoutedCommand, encodeStreamToken, isAfter, laterOf } from '@app/contracts';
import { KafkaSettings } from '@app/kafka';
import { KAFKA_SETTINGS, MONGO_DB } from '@app/platform';
import {
  DeviceListChanges,
  OneTimeKeySummary,
  OneTimeKeysDoc,
  deviceDocId,
  oneTimeKeySummaryOf,
  oneTimeKeysDoc,
  ProjectionRegistry,
  ToDeviceRow,
  checkpointOwner,
  collectionName,
  deviceListFeedName,
  deviceListsProjection,
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
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { ReadCaches } from '../read-cache/read-caches';
import { cachedPointRead } from '../read-cache/cached-point-read';

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
    @Inject(KAFKA_SETTINGS) private readonly kafkaSettings: KafkaSettings,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly caches: ReadCaches,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async sync(requester: Requester, since: PositionVector | null, timeoutMs: number, correlationId: string): Promise<SyncExtensionResponse> {
    const deadline = Date.now() + timeoutMs;
    const [version, inboxVersion, keysVersion] = await Promise.all([
      this.deviceLists.activeVersion(),
      this.registry.active(toDeviceProjection.name),
      this.registry.active(oneTimeKeysProjection.name),
    ]);
    const view: View = { requester, since, version, inboxVersion };
    const owners = {
      lists: checkpointOwner(deviceListsProjection.name, version),
      inbox: checkpointOwner(toDeviceProjection.name, inboxVersion),
      keys: checkpointOwner(oneTimeKeysProjection.name, keysVersion),
    };
    // Own writes, and messages acknowledged to their senders, are visible first: the read models
    // must have applied the end of the requester's partition (one look at the log, `ends`, serves
    // all three). The reads do not wait for that look: they start at once on the positions this
    // process already knows (no store read). When those turn out to pass the end of every
    // partition, they are as fresh as any read of the checkpoints could be (nothing can be
    // applied beyond the end), so the reads stand: the common case of a sync with nothing new.
    // Otherwise the checkpoints are read, and waited for where the requester's partition is not
    // applied yet, and the reads done again.
    const readAt = async (lists: PositionVector, inbox: PositionVector) => ({ lists, inbox, round: await this.read(view, lists, inbox) });
    const readNow = async () => readAt(...(await Promise.all([this.applied(owners.lists), this.applied(owners.inbox)])));
    const knownLists = this.knownVector(owners.lists);
    const knownInbox = this.knownVector(owners.inbox);
    const [ends, early] = await Promise.all([this.barrier.lastOffsets(), knownLists && knownInbox ? readAt(knownLists, knownInbox) : null]);
    const targets = this.barrier.targetsIn(ends, [requester.userId]);
    const keysKnown = this.checkpoints.known(owners.keys);
    const keysApplied = requester.deviceId === null || (keysKnown !== undefined && covers(keysKnown, targets));
    let fresh = early && covers(early.lists, ends) && covers(early.inbox, ends) ? early : await readNow();
    let keysCaughtUp = true;
    if (!covers(fresh.lists, targets) || !covers(fresh.inbox, targets) || !keysApplied) {
      [, , keysCaughtUp] = await Promise.all([
        this.barrier.waitForTargets(deviceListsProjection.name, version, targets),
        this.barrier.waitForTargets(toDeviceProjection.name, inboxVersion, targets),
        requester.deviceId !== null && this.barrier.waitForTargets(oneTimeKeysProjection.name, keysVersion, targets),
      ]);
      fresh = await readNow();
    }
    let round = fresh.round;
    // The first read of the inbox also tells what `since` acknowledges.
    let acknowledged = !since || !requester.deviceId;
    for (;;) {
      const { next, inbox: messages, changes } = round;
      if (!acknowledged) {
        acknowledged = true;
        if (messages.receivedUpTo !== undefined) await this.acknowledge(requester, messages.receivedUpTo, correlationId);
      }
      const toDevice = requester.deviceId ? { to_device: { events: messages.events } } : {};
      const remaining = deadline - Date.now();
      if (!changes || changes.changed.length > 0 || changes.left.length > 0 || messages.events.length > 0 || remaining <= 0) {
        const counts = await this.keyCounts(requester, keysVersion, targets, keysCaughtUp);
        const deviceLists = changes ? { device_lists: { changed: changes.changed, left: changes.left } } : {};
        return { next_batch: encodeStreamToken(next), ...deviceLists, ...toDevice, ...counts };
      }
      const feeds = [
        { feed: deviceListFeedName(version), checkpointOwner: owners.lists },
        { feed: toDeviceFeedName(inboxVersion), checkpointOwner: owners.inbox },
      ];
      await this.watcher.waitForChange(feeds, { userId: requester.userId, rooms: new Set(changes.joinedRooms), after: next }, remaining);
      round = (await readNow()).round;
    }
  }

  /**
   * The inbox and (with `since`) the device-list changes as of the applied positions given: the
   * token covers only what both read models had applied before they were read, so nothing falls
   * between two syncs. Without `since`, no changes (an initial sync carries no device_lists).
   */
  private async read(view: View, listsApplied: PositionVector, inboxApplied: PositionVector): Promise<Round> {
    const { requester, since, version, inboxVersion } = view;
    const applied = lowerOf(listsApplied, inboxApplied);
    let next = since ? laterOf(applied, since) : applied;
    const [inbox, listed] = await Promise.all([
      this.inbox(requester, inboxVersion, since, next),
      since ? this.deviceLists.changesSince(version, requester.userId, since, next) : null,
    ]);
    if (!inbox.capAt) return { next, inbox, changes: listed };
    // More messages wait: the token stops at the last one handed out, and so do the changes.
    next = next.map((offset, p) => (p === inbox.capAt!.partition ? inbox.capAt!.offset : offset));
    return { next, inbox, changes: since ? await this.deviceLists.changesSince(version, requester.userId, since, next) : null };
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
  ): Promise<InboxRead> {
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

  /** Partition -> the owner's applied offset (-1 where none), over at least every partition of the topic. */
  private async applied(owner: string): Promise<PositionVector> {
    return this.vectorOf(await this.checkpoints.load(owner));
  }

  /** Like `applied`, from what this process knows already (undefined: nothing yet). */
  private knownVector(owner: string): PositionVector | undefined {
    const known = this.checkpoints.known(owner);
    return known && this.vectorOf(known);
  }

  private vectorOf(stored: ReadonlyMap<number, string>): PositionVector {
    const length = Math.max(this.kafkaSettings.partitions, ...[...stored.keys()].map((p) => p + 1));
    return Array.from({ length }, (_, p) => Number(stored.get(p) ?? -1));
  }

  private inboxCollection(version: number) {
    return this.db.collection(collectionName(toDeviceProjection.name, version));
  }

  /**
   * The device's one-time-key counts and unused fallback key types, own writes included (the
   * barrier above): from this process's exact copy once its log reader has passed `targets`, else
   * by `_id` from the store (kept when the store had caught up).
   */
  private async keyCounts(requester: Requester, version: number, targets: ReadonlyMap<number, bigint>, caughtUp: boolean): Promise<Partial<OneTimeKeySummary>> {
    const { userId, deviceId } = requester;
    if (deviceId === null) return {};
    const cache = this.caches.oneTimeKeys;
    cache.useVersion(version);
    const id = deviceDocId(userId, deviceId);
    const found = await cachedPointRead<OneTimeKeysDoc>({
      cache,
      ids: [id],
      partitionOf: () => this.barrier.partitionOf(userId),
      targets,
      waitMs: this.settings.readBarrierTimeoutMs,
      load: async () => {
        const buckets = await ProjectionBuckets.forReading<OneTimeKeysDoc>(this.db, oneTimeKeysProjection.name, version);
        return { docs: new Map([[id, await oneTimeKeysDoc(buckets, userId, deviceId)]]), exact: caughtUp };
      },
    });
    return oneTimeKeySummaryOf(found.get(id) ?? null);
  }
}

/** What one sync is about. */
interface View {
  readonly requester: Requester;
  readonly since: PositionVector | null;
  readonly version: number;
  readonly inboxVersion: number;
}

type InboxRead = { events: { sender: string; type: string; content: unknown }[]; capAt?: { partition: number; offset: number }; receivedUpTo?: number };

/** One read of both read models: the token it justifies, the inbox, the device-list changes (with `since`). */
interface Round {
  readonly next: PositionVector;
  readonly inbox: InboxRead;
  readonly changes: (DeviceListChanges & { readonly joinedRooms: string[] }) | null;
}

/** Whether positions (a vector, or partition -> offset) have passed every target. */
function covers(positions: PositionVector | ReadonlyMap<number, string>, targets: ReadonlyMap<number, bigint>): boolean {
  const at = (p: number) => BigInt((Array.isArray(positions) ? (positions as PositionVector)[p] : (positions as ReadonlyMap<number, string>).get(p)) ?? -1);
  return [...targets].every(([p, target]) => at(p) >= target);
}

/** Entry-wise minimum over the longer length (a partition one side has not seen counts as -1). */
function lowerOf(a: PositionVector, b: PositionVector): PositionVector {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, p) => Math.min(a[p] ?? -1, b[p] ?? -1));
}
