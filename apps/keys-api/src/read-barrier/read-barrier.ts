import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Db } from 'mongodb';
import { TopicNames } from '@app/contracts';
import { KafkaSettings, TopicAdmin, partitionForKey } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { JsonLogger, KAFKA_SETTINGS, MONGO_DB, TOPICS, TOPIC_ADMIN } from '@app/platform';
import { checkpointOwner } from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';

interface Waiter {
  readonly owner: string;
  readonly targets: Map<number, bigint>;
  readonly resolve: (caughtUp: boolean) => void;
}

const WATCH_INTERVAL_MS = 5;

/**
 * Read-your-writes on any instance: before a read, find the end of the users' partitions of
 * e2ee.events (every acknowledged write is below it) and wait until the projection's checkpoint
 * has passed it. One watcher per process polls the checkpoints while anyone waits, however many
 * requests wait. Bounded: after the timeout the read goes ahead and the lag is logged.
 */
@Injectable()
export class ReadBarrier implements OnApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  private readonly checkpoints: CheckpointStore;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(MONGO_DB) db: Db,
    @Inject(TOPIC_ADMIN) private readonly admin: TopicAdmin,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(KAFKA_SETTINGS) private readonly kafkaSettings: KafkaSettings,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
    private readonly logger: JsonLogger,
  ) {
    this.checkpoints = new CheckpointStore(db);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    for (const w of this.waiters) w.resolve(false);
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
    const caughtUp = await new Promise<boolean>((resolve) => {
      this.waiters.add({ owner: checkpointOwner(projection, version), targets, resolve });
      this.schedule(0);
    });
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

  private schedule(delay: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.check(), delay);
  }

  private async check(): Promise<void> {
    const started = Date.now();
    try {
      const owners = new Set([...this.waiters].map((w) => w.owner));
      const positions = new Map<string, Map<number, string>>();
      for (const owner of owners) positions.set(owner, await this.checkpoints.load(owner));
      for (const waiter of this.waiters) {
        const at = positions.get(waiter.owner)!;
        const done = [...waiter.targets].every(([p, target]) => at.has(p) && BigInt(at.get(p)!) >= target);
        if (done) {
          this.waiters.delete(waiter);
          waiter.resolve(true);
        }
      }
    } catch (err) {
      this.logger.write('warn', 'checkpoint watch failed', { err: (err as Error).message });
    } finally {
      this.timer = undefined;
      this.expire(started);
      if (this.waiters.size > 0) this.schedule(WATCH_INTERVAL_MS);
    }
  }

  private readonly since = new WeakMap<Waiter, number>();

  private expire(now: number): void {
    for (const waiter of this.waiters) {
      const first = this.since.get(waiter) ?? now;
      this.since.set(waiter, first);
      if (now - first >= this.settings.readBarrierTimeoutMs) {
        this.waiters.delete(waiter);
        waiter.resolve(false);
      }
    }
  }
}
