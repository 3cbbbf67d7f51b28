import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { partitionForKey } from '@app/kafka';
import { JsonLogger, KafkaBus } from '@app/platform';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { targetsIn, targetsOfVector } from './barrier-targets';
import { CheckpointReads } from './checkpoint-reads';
import { LogEndOffsets } from './log-end-offsets';
import { ProjectionWait } from './projection-wait';

/**
 * Read-your-writes on any instance: before a read, find the end of the users' partitions of
 * e2ee.events (every acknowledged write is below it: log-end-offsets.ts, barrier-targets.ts) and
 * wait until the projection's checkpoint has passed it (projection-wait.ts). One watcher per
 * process polls the checkpoints while anyone waits, however many requests wait
 * (checkpoint-watch.ts). Bounded: after the timeout the read goes ahead and the lag is logged.
 */
@Injectable()
export class ReadBarrier implements OnApplicationShutdown {
  private readonly wait: ProjectionWait;
  private readonly ends: LogEndOffsets;

  constructor(
    checkpoints: CheckpointReads,
    private readonly bus: KafkaBus,
    @Inject(KEYS_API_SETTINGS) settings: KeysApiSettings,
    logger: JsonLogger,
  ) {
    this.wait = new ProjectionWait(
      { load: (owner) => checkpoints.load(owner), known: (owner) => checkpoints.known(owner) },
      settings.readBarrierTimeoutMs,
      logger,
    );
    this.ends = new LogEndOffsets((topic) => bus.admin.endOffsets(topic), bus.topics.events);
  }

  onApplicationShutdown(): void {
    this.wait.stop();
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
  lastOffsets(): Promise<Map<number, bigint>> {
    return this.ends.last();
  }

  /** The part of `lastOffsets` in the users' partitions. */
  targetsIn(last: ReadonlyMap<number, bigint>, userIds: readonly string[]): Map<number, bigint> {
    return targetsIn(last, userIds, (u) => this.partitionOf(u));
  }

  partitionOf(userId: string): number {
    return partitionForKey(userId, this.bus.settings.partitions);
  }

  /** Waits (bounded) until the projection has applied everything up to `vector` (a stream token's positions). */
  async waitForPositions(projection: string, version: number, vector: readonly number[]): Promise<void> {
    await this.waitForTargets(projection, version, targetsOfVector(vector));
  }

  /** Resolves whether the projection caught up in time (the read is served either way). */
  waitForTargets(projection: string, version: number, targets: ReadonlyMap<number, bigint>): Promise<boolean> {
    return this.wait.until(projection, version, targets);
  }
}
