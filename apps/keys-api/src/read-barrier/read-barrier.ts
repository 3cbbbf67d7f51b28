import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { TopicNames } from '@app/contracts';
import { KafkaSettings, TopicAdmin, partitionForKey } from '@app/kafka';
import { JsonLogger, KAFKA_SETTINGS, TOPICS, TOPIC_ADMIN } from '@app/platform';
import { checkpointOwner } from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { CheckpointWatch } from './checkpoint-watch';
import { CheckpointReads } from './checkpoint-reads';
import { FreshLoads } from './fresh-loads';

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
    checkpoints: CheckpointReads,
    @Inject(TOPIC_ADMIN) private readonly admin: TopicAdmin,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(KAFKA_SETTINGS) private readonly kafkaSettings: KafkaSettings,
    @Inject(KEYS_API_SETTINGS) settings: KeysApiSettings,
    private readonly logger: JsonLogger,
  ) {
    this.watch = new CheckpointWatch((owner) => checkpoints.load(owner), settings.readBarrierTimeoutMs, logger, Date.now, (owner) => checkpoints.known(owner));
  }

  onApplicationShutdown(): void {
    this.watch.stop();
  }

  async waitForUsers(projection: string, version: number, userIds: readonly string[]): Promise<boolean> {
    return this.waitForTargets(projection, version, await this.targetsForUsers(userIds));
  }

  /** The last offset, now, of each partition the users' events are in: what a read of them must reflect. */
  async targetsForUsers(userIds: readonly string[]): Promise<Map<number, bigint>> {
    if (userIds.length === 0) return new Map();
    return this.targetsIn(await this.lastOffsets(), userIds);
  }

  /** The last offset of every partition of e2ee.events that has one, from a look at the log that started after the call. */
  async lastOffsets(): Promise<Map<number, bigint>> {
    const last = new Map<number, bigint>();
    for (const [p, end] of await this.freshEndOffsets()) if (BigInt(end) > 0n) last.set(p, BigInt(end) - 1n);
    return last;
  }

  /** The part of `lastOffsets` in the users' partitions. */
  targetsIn(last: ReadonlyMap<number, bigint>, userIds: readonly string[]): Map<number, bigint> {
    const targets = new Map<number, bigint>();
    for (const p of new Set(userIds.map((u) => this.partitionOf(u)))) if (last.has(p)) targets.set(p, last.get(p)!);
    return targets;
  }

  partitionOf(userId: string): number {
    return partitionForKey(userId, this.kafkaSettings.partitions);
  }

  /** Waits (bounded) until the projection has applied everything up to `vector` (a stream token's positions). */
  async waitForPositions(projection: string, version: number, vector: readonly number[]): Promise<void> {
    const targets = new Map<number, bigint>();
    vector.forEach((offset, p) => offset >= 0 && targets.set(p, BigInt(offset)));
    await this.waitForTargets(projection, version, targets);
  }

  /** Resolves whether the projection caught up in time (the read is served either way). */
  async waitForTargets(projection: string, version: number, targets: ReadonlyMap<number, bigint>): Promise<boolean> {
    if (targets.size === 0) return true;
    const caughtUp = await this.watch.waitFor(checkpointOwner(projection, version), new Map(targets));
    if (!caughtUp) this.logger.write('warn', 'read served before the projection caught up', { projection, targets: [...targets].map(String) });
    return caughtUp;
  }

  /**
   * End offsets from a ListOffsets call that started after this request arrived, so that every
   * write acknowledged before the request is below them. Requests arriving while a call runs
   * share the next one (fresh-loads.ts), so a burst of reads costs two calls, not one each.
   */
  private readonly endOffsets = new FreshLoads((topic) => this.admin.endOffsets(topic));

  private freshEndOffsets(): Promise<Map<number, string>> {
    return this.endOffsets.get(this.topics.events);
  }
}
