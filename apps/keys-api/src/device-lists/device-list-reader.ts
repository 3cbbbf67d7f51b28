import { Inject, Injectable } from '@nestjs/common';

import { PositionVector } from '@app/contracts';

import { partitionForKey } from '@app/kafka';

import { KafkaBus } from '@app/platform';
import {
  DeviceListChanges,
  DeviceListDoc,
  DeviceListDocReader,
  WakeUpFeedDoc,
  checkpointOwner,
  deviceListChangesSince,
  deviceListFeedName,
  deviceListsProjection,
  feedDocId,
  memberDocIdsOf,
  mongoDeviceListDocs,
  roomsNoticedAfter,
} from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';

import { ReadCaches } from '../read-cache/read-caches';

import { cachedPointRead } from '../read-cache/cached-point-read';

import { CheckpointReads } from '../read-barrier/checkpoint-reads';

import { ReadModelStore } from '../read-cache/read-model-store';

/** The device-lists read model as the /keys/changes and sync-extension endpoints see it. */
@Injectable()
export class DeviceListReader {
  constructor(
    private readonly store: ReadModelStore,
    private readonly bus: KafkaBus,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly caches: ReadCaches,
    private readonly checkpoints: CheckpointReads,
  ) {}

  activeVersion(): Promise<number> {
    return this.store.activeVersion(deviceListsProjection.name);
  }

  /** Everything at or below this vector is in the read model: the next token to hand out. */
  async appliedPositions(version: number): Promise<PositionVector> {
    const stored = await this.checkpoints.load(checkpointOwner(deviceListsProjection.name, version));
    const length = Math.max(this.bus.settings.partitions, ...[...stored.keys()].map((p) => p + 1));
    return Array.from({ length }, (_, p) => Number(stored.get(p) ?? -1));
  }

  /**
   * Changes after `from`; with `until`, only those at or below it (the token the caller hands out).
   * The partitions' wake-up rings (one point read each) say which rooms changed where since
   * `from`, so only those parts of the reader's rooms are read; documents come from this
   * process's exact copies where it has them (read-cache/), else by `_id` from the store.
   */
  async changesSince(
    version: number,
    userId: string,
    from: PositionVector,
    until?: PositionVector,
  ): Promise<DeviceListChanges & { readonly joinedRooms: string[] }> {
    const rules = { encryptedRoomsOnly: this.settings.encryptedRoomsOnly };
    const partitions = Math.max(this.bus.settings.partitions, from.length);
    const applied = until ?? (await this.appliedPositions(version));
    const rings = await this.cachedRings(version, applied, partitions);
    const touched = (partition: number, after: number) => roomsNoticedAfter(rings.get(feedDocId(partition)) ?? null, after);
    return deviceListChangesSince(this.cachedDocs(version, applied), userId, from, this.bus.settings.partitions, rules, { until, touched });
  }

  /** The wake-up rings as of `applied`, from this process's copies where it has them (like the documents below). */
  private async cachedRings(version: number, applied: PositionVector, partitions: number): Promise<Map<string, WakeUpFeedDoc | null>> {
    const cache = this.caches.deviceListRings;
    cache.useVersion(version);
    const feed = this.store.db.collection<WakeUpFeedDoc>(deviceListFeedName(version));
    return cachedPointRead<WakeUpFeedDoc>({
      cache,
      ids: Array.from({ length: partitions }, (_, p) => feedDocId(p)),
      partitionOf: Number,
      targets: targetsOf(applied),
      waitMs: this.settings.readBarrierTimeoutMs,
      load: async (misses) => {
        const docs = await Promise.all(misses.map((id) => feed.findOne({ _id: id })));
        return { docs: new Map(misses.map((id, i) => [id, docs[i]])), exact: true };
      },
    });
  }

  /**
   * Documents as of `applied` (positions the store has applied): copies once this process's log
   * reader has passed them, store reads for the rest (kept: the store had applied `applied`).
   */
  private cachedDocs(version: number, applied: PositionVector): DeviceListDocReader {
    const cache = this.caches.deviceLists;
    cache.useVersion(version);
    const targets = targetsOf(applied);
    const fromStore = mongoDeviceListDocs(this.store.collection(deviceListsProjection.name, version));
    return async (ids) => {
      const found = await cachedPointRead<DeviceListDoc>({
        cache,
        ids,
        partitionOf: (id) => this.partitionOf(id),
        targets,
        waitMs: this.settings.readBarrierTimeoutMs,
        load: async (misses) => {
          const docs = await fromStore(misses);
          return { docs: new Map(misses.map((id) => [id, docs.get(id) ?? null])), exact: true };
        },
        dependsOn: memberDocIdsOf,
      });
      return new Map([...found].filter((entry): entry is [string, DeviceListDoc] => entry[1] !== null));
    };
  }

  /** The partition whose events change a document: its user's, its own (a room part), its room's. */
  private partitionOf(id: string): number {
    if (id.startsWith('r|')) return Number(id.slice(id.lastIndexOf('|') + 1));
    return partitionForKey(id.slice(2), this.bus.settings.partitions); // `u|<user>`, `e|<room>`
  }
}

function targetsOf(applied: PositionVector): Map<number, bigint> {
  const targets = new Map<number, bigint>();
  applied.forEach((offset, p) => offset >= 0 && targets.set(p, BigInt(offset)));
  return targets;
}
