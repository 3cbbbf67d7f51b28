import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DomainEvent, decodeEvent } from '@app/contracts';
import { BatchConsumer, ConsumedBatch } from '@app/kafka';
import { JsonLogger, KafkaBus, retryUntilReady } from '@app/platform';
import {
  CrossSigningKeysDoc,
  DeviceListDoc,
  OneTimeKeysDoc,
  UserDevicesDoc,
  crossSigningKeysProjection,
  deviceKeysProjection,
  oneTimeKeysProjection,
  deviceListDocsNamedBy,
  deviceListsProjection,
  WakeUpFeedDoc,
  feedDocId,
} from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { LogPositionedCache } from './log-positioned-cache';
import { RelevantOffsets } from '../read-barrier/relevant-offsets';
import { DeviceDeletions } from '../auth/device-deletions';

/**
 * This process's exact copies of the per-user documents /keys/query reads (devices, cross-signing
 * keys), of what the sync extension reads on every call (device lists, one-time-key counts), and the single reader of e2ee.events that keeps them exact: a consumer group of its own,
 * positioned at the end of the topic before it joins (as the reply listener is), that tells the
 * caches which documents each event touches. Until it runs, reads go to the store.
 */
@Injectable()
export class ReadCaches implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly deviceKeys: LogPositionedCache<UserDevicesDoc>;
  readonly crossSigning: LogPositionedCache<CrossSigningKeysDoc>;
  /** The device-lists documents (device-list-docs.ts): a room part also depends on its members' documents. */
  readonly deviceLists: LogPositionedCache<DeviceListDoc>;
  /** Per device, its one-time-key counts and fallback keys (the sync extension's): changed only by its user's events. */
  readonly oneTimeKeys: LogPositionedCache<OneTimeKeysDoc>;
  /** The device-lists wake-up rings (one per partition): any event the projection applies on a partition may change its ring. */
  readonly deviceListRings: LogPositionedCache<WakeUpFeedDoc>;
  private readonly fed: readonly {
    cache: LogPositionedCache<unknown>;
    handles: ReadonlySet<string>;
    documentIds: (event: DomainEvent, partition: number) => string[];
  }[];
  private consumer?: BatchConsumer;
  private stopped = false;
  private readonly groupId: string;

  constructor(
    private readonly bus: KafkaBus,
    @Inject(KEYS_API_SETTINGS) settings: KeysApiSettings,
    private readonly logger: JsonLogger,
    private readonly relevant: RelevantOffsets,
    private readonly deletions: DeviceDeletions,
  ) {
    this.deviceKeys = new LogPositionedCache(settings.readCacheEntries);
    this.crossSigning = new LogPositionedCache(settings.readCacheEntries);
    this.deviceLists = new LogPositionedCache(settings.readCacheEntries);
    this.deviceListRings = new LogPositionedCache(bus.settings.partitions * 4);
    this.oneTimeKeys = new LogPositionedCache(settings.readCacheEntries);
    this.fed = [
      {
        cache: this.deviceKeys as LogPositionedCache<unknown>,
        handles: new Set(deviceKeysProjection.handles),
        documentIds: (event) => [deviceKeysProjection.documentId(event)],
      },
      {
        cache: this.crossSigning as LogPositionedCache<unknown>,
        handles: new Set(crossSigningKeysProjection.handles),
        documentIds: (event) => [crossSigningKeysProjection.documentId(event)],
      },
      { cache: this.deviceLists as LogPositionedCache<unknown>, handles: new Set(deviceListsProjection.handles), documentIds: deviceListDocsNamedBy },
      {
        cache: this.oneTimeKeys as LogPositionedCache<unknown>,
        handles: new Set(oneTimeKeysProjection.handles),
        documentIds: (event) => [oneTimeKeysProjection.documentId(event)],
      },
      {
        cache: this.deviceListRings as LogPositionedCache<unknown>,
        handles: new Set(deviceListsProjection.handles),
        documentIds: (_event, partition) => [feedDocId(partition)],
      },
    ];
    this.groupId = `${bus.topics.prefix}e2ee.keys-api.read-cache.${settings.instanceId}`;
  }

  onApplicationBootstrap(): void {
    void retryUntilReady(
      'read caches',
      () => this.start(),
      (msg) => this.logger.write('warn', msg),
      Number.MAX_SAFE_INTEGER,
      () => this.stopped,
    ).catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.consumer?.stop().catch(() => undefined);
    await this.bus.admin.deleteGroup(this.groupId).catch(() => undefined);
  }

  private async start(): Promise<void> {
    const ends = await this.bus.admin.endOffsets(this.bus.topics.events);
    await this.bus.admin.setGroupOffsets(this.groupId, this.bus.topics.events, ends);
    // Before the consumer runs: its first events are at or after these ends.
    for (const [partition, end] of ends) this.relevant.begin(partition, BigInt(end));
    this.consumer = new BatchConsumer(this.bus.kafka, {
      groupId: this.groupId,
      topics: [this.bus.topics.events],
      fromBeginning: false,
      sessionTimeout: 30000,
      commits: 'never', // positioned at the end on every start (above)
      partitionsConcurrently: this.bus.settings.partitionsConcurrently,
      handle: async (batch) => this.apply(batch),
    });
    await this.consumer.start();
    for (const [partition, end] of ends) for (const { cache } of this.fed) cache.begin(partition, BigInt(end));
  }

  private apply(batch: ConsumedBatch): void {
    for (const message of batch.messages) {
      const type = message.headers.type;
      this.relevant.seen(batch.partition, BigInt(message.offset), type);
      const interested = this.fed.filter((f) => type === undefined || f.handles.has(type));
      if (interested.length === 0 && type !== 'DeviceDeleted') continue;
      try {
        const event = decodeEvent(message.value);
        if (event.type === 'DeviceDeleted') this.deletions.deleted(event.data.userId, event.data.deviceId);
        for (const f of interested)
          if (f.handles.has(event.type)) for (const id of f.documentIds(event, batch.partition)) f.cache.changed(id, BigInt(message.offset));
      } catch {
        // Undecodable: no projection applies it either (dead-lettered there).
      }
    }
    const last = BigInt(batch.messages[batch.messages.length - 1].offset);
    for (const { cache } of this.fed) cache.advanced(batch.partition, last);
    this.relevant.advanced(batch.partition, last);
  }
}
