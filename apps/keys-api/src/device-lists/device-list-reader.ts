import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { PositionVector } from '@app/contracts';
import { KafkaSettings } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { KAFKA_SETTINGS, MONGO_DB } from '@app/platform';
import {
  DeviceListChanges,
  ProjectionRegistry,
  checkpointOwner,
  collectionName,
  deviceListChangesSince,
  WakeUpFeedDoc,
  deviceListFeedName,
  deviceListsProjection,
  feedDocId,
  mongoDeviceListDocs,
  roomsNoticedAfter,
} from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';

/** The device-lists read model as the /keys/changes and sync-extension endpoints see it. */
@Injectable()
export class DeviceListReader {
  private readonly registry: ProjectionRegistry;
  private readonly checkpoints: CheckpointStore;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    @Inject(KAFKA_SETTINGS) private readonly kafkaSettings: KafkaSettings,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
    this.checkpoints = new CheckpointStore(db, kafkaSettings.partitions);
  }

  activeVersion(): Promise<number> {
    return this.registry.active(deviceListsProjection.name);
  }

  /** Everything at or below this vector is in the read model: the next token to hand out. */
  async appliedPositions(version: number): Promise<PositionVector> {
    const stored = await this.checkpoints.load(checkpointOwner(deviceListsProjection.name, version));
    const length = Math.max(this.kafkaSettings.partitions, ...[...stored.keys()].map((p) => p + 1));
    return Array.from({ length }, (_, p) => Number(stored.get(p) ?? -1));
  }

  /**
   * Changes after `from`; with `until`, only those at or below it (the token the caller hands out).
   * The partitions' wake-up rings (one point read each) say which rooms changed where since
   * `from`, so only those parts of the reader's rooms are read.
   */
  async changesSince(version: number, userId: string, from: PositionVector, until?: PositionVector): Promise<DeviceListChanges & { readonly joinedRooms: string[] }> {
    const rules = { encryptedRoomsOnly: this.settings.encryptedRoomsOnly };
    const feed = this.db.collection<WakeUpFeedDoc>(deviceListFeedName(version));
    const partitions = Math.max(this.kafkaSettings.partitions, from.length);
    const rings = await Promise.all(Array.from({ length: partitions }, (_, p) => feed.findOne({ _id: feedDocId(p) })));
    const touched = (partition: number, after: number) => roomsNoticedAfter(rings[partition], after);
    return deviceListChangesSince(mongoDeviceListDocs(this.collection(version)), userId, from, this.kafkaSettings.partitions, rules, { until, touched });
  }

  private collection(version: number) {
    return this.db.collection(collectionName(deviceListsProjection.name, version));
  }
}
