import { checkpointOwner } from '@app/read-models';
import { CheckpointSource, CheckpointWatch, KnownCheckpoints, WatchLog } from './checkpoint-watch';

/**
 * Waiting for a projection version to apply targets, bounded: the read is served either way,
 * and one that goes ahead before the projection caught up is logged. The polling itself is the
 * process's one CheckpointWatch, shared by every waiter.
 */
export class ProjectionWait {
  private readonly watch: CheckpointWatch;

  constructor(
    checkpoints: { load: CheckpointSource; known: KnownCheckpoints },
    timeoutMs: number,
    private readonly log: WatchLog,
    now: () => number = Date.now,
  ) {
    this.watch = new CheckpointWatch(checkpoints.load, timeoutMs, log, now, checkpoints.known);
  }

  /** Resolves whether the projection caught up in time. */
  async until(projection: string, version: number, targets: ReadonlyMap<number, bigint>): Promise<boolean> {
    if (targets.size === 0) return true;
    const caughtUp = await this.watch.waitFor(checkpointOwner(projection, version), new Map(targets));
    if (!caughtUp) this.log.write('warn', 'read served before the projection caught up', { projection, targets: [...targets].map(String) });
    return caughtUp;
  }

  /** Releases every waiter (not caught up) and polls no more. */
  stop(): void {
    this.watch.stop();
  }
}
