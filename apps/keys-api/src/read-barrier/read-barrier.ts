import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Db } from 'mongodb';
import { TopicNames } from '@app/contracts';
import { KafkaSettings, TopicAdmin, partitionForKey } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { JsonLogger, KAFKA_SETTINGS, MONGO_DB, TOPICS, TOPIC_ADMIN } from '@app/platform';
import { checkpointOwner } from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { CheckpointWatch } from './checkpoint-watch';

/**
 * Read-your-writes on any instance: before a read, find the end of the users' partitions of
 * e2ee.events (every acknowledged write is below it) and wait until the projection's checkpoint
 * has passed it. One watcher per process polls the checkpoints while anyone waits, however many
 * requests wait. Bounded: after the timeout the read goes ahead and the lag is logged.
 */
@Injectable()
export class ReadBarrier implements OnApplicationShutdown {
  private readonly watch: CheckpointWatch;

  constructor(
    @Inject(MONGO_DB) db: Db,
    @Inject(TOPIC_ADMIN) private readonly admin: TopicAdmin,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(KAFKA_SETTINGS) private readonly kafkaSettings: KafkaSettings,
    @Inject(KEYS_API_SETTINGS) settings: KeysApiSettings,
    private readonly logger: JsonLogger,
  ) {
    const checkpoints = new CheckpointStore(db, kafkaSettings.partitions);
    this.watch = new CheckpointWatch((owner) => checkpoints.load(owner), settings.readBarrierTimeoutMs, logger);
  }

  onApplicationShutdown(): void {
    this.watch.stop();
  }

  async waitForUsers(projection: string, version: number, userIds: readonly string[]): Promise<void> {
    const partitions = new Set(userIds.map((u) => partitionForKey(u, this.kafkaSettings.partitions)));
    if (partitions.size === 0) return;
    const ends = await this.freshEndOffsets();
    const targets = new Map<number, bigint>();
    for (const p of partitions) {
      const end = BigInt(ends.get(p) ?? '0');
      if (end > 0n) targets.set(p, end - 1n);
    }
    await this.waitForTargets(projection, version, targets);
  }

  /** Waits (bounded) until the projection has applied everything up to `vector` (a stream token's positions). */
  async waitForPositions(projection: string, version: number, vector: readonly number[]): Promise<void> {
    const targets = new Map<number, bigint>();
    vector.forEach((offset, p) => offset >= 0 && targets.set(p, BigInt(offset)));
    await this.waitForTargets(projection, version, targets);
  }

  private async waitForTargets(projection: string, version: number, targets: Map<number, bigint>): Promise<void> {
    if (targets.size === 0) return;
    const caughtUp = await this.watch.waitFor(checkpointOwner(projection, version), targets);
    if (!caughtUp) this.logger.write('warn', 'read served before the projection caught up', { projection, targets: [...targets].map(String) });
  }

  private running?: Promise<Map<number, string>>;
  private queued?: Promise<Map<number, string>>;

  /**
   * End offsets from a ListOffsets call that started after this request arrived, so that every
   * write acknowledged before the request is below them. Requests arriving while a call runs
   * share the next one, so a burst of reads costs two calls, not one each.
   */
  private freshEndOffsets(): Promise<Map<number, string>> {
    if (!this.running) return this.launchEndOffsets();
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.launchEndOffsets();
      });
    return this.queued;
  }

  private launchEndOffsets(): Promise<Map<number, string>> {
    const call = this.admin.endOffsets(this.topics.events);
    this.running = call;
    void call
      .catch(() => undefined)
      .finally(() => {
        if (this.running === call) this.running = undefined;
      });
    return call;
  }
}
