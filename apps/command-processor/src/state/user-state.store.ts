import { PartitionMemory } from './partition-memory';
import { PartitionCheckpoints, ProcessorCheckpoint, SnapshotStore } from './ports';

/**
 * The command-processor's own projection of e2ee.events: per partition it owns, a
 * `PartitionMemory` of user states, written to the snapshot store with the partition's
 * checkpoint at most every `intervalMs`.
 *
 * Invariant: a user's state in memory only moves forward in log offset, and the stored snapshot
 * of a user never goes back either. Enforced here by construction:
 *  - one writer: only the partition's batch loop stages states (`PartitionMemory.stage`, which
 *    refuses to go back); flushes only read what was staged, and never write memory;
 *  - eviction replaces the partition's memory object, so work in flight on the old one (a load,
 *    a batch, a failed flush restaging) cannot touch the new one;
 *  - writes of a partition (snapshots, then checkpoint) run one at a time in a chain that
 *    outlives eviction, so a late write cannot overtake a newer one of the same process;
 *  - a write leaves out states older than this process already stored (found by the simulation,
 *    src/simulation/: a catch-up after an eviction flushed its first, older states over them).
 */
export class UserStateStore {
  private readonly memories = new Map<number, PartitionMemory>();
  private readonly writes = new Map<number, Promise<boolean>>();
  private readonly lastFlush = new Map<number, number>();
  /** Per user, the newest offset this process has stored (outlives eviction, as the write chain does). */
  private readonly stored = new Map<string, number>();

  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly checkpoints: PartitionCheckpoints,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live memory of a partition (a fresh one after eviction). */
  partition(partition: number): PartitionMemory {
    let memory = this.memories.get(partition);
    if (!memory) {
      memory = new PartitionMemory(partition, this.snapshots);
      this.memories.set(partition, memory);
    }
    return memory;
  }

  loadCheckpoint(partition: number): Promise<ProcessorCheckpoint | undefined> {
    return this.checkpoints.load(partition);
  }

  /**
   * Writes a partition's staged states, then its checkpoint, when `force`d, when the last flush
   * is older than the interval, or when many users wait. Resolves whether it wrote.
   */
  flush(partition: number, force: boolean): Promise<boolean> {
    const previous = this.writes.get(partition) ?? Promise.resolve(false);
    const next = previous.catch(() => false).then(() => this.flushNow(partition, force));
    this.writes.set(partition, next);
    return next;
  }

  private async flushNow(partition: number, force: boolean): Promise<boolean> {
    const memory = this.memories.get(partition);
    if (!memory || memory.stagedCount === 0) return false;
    if (!force && this.now() - (this.lastFlush.get(partition) ?? 0) < this.intervalMs && memory.stagedCount < 256) return false;
    const { snapshots, through, fence } = memory.takeStaged();
    // After an eviction, a catch-up's first flushes may hold states older than the evicted
    // memory's last write stored: writing them would put the store behind its checkpoint.
    const newer = new Map([...snapshots].filter(([id, s]) => s.lastOffset > (this.stored.get(id) ?? -1)));
    try {
      await this.snapshots.write(partition, newer);
      for (const [id, s] of newer) this.stored.set(id, Math.max(s.lastOffset, this.stored.get(id) ?? -1));
      // Every state folded through `through` is now stored: this one or an earlier flush wrote it.
      await this.checkpoints.save(partition, through, fence);
    } catch (err) {
      // No later checkpoint may pass them unwritten (a detached memory is rebuilt by catch-up).
      memory.restage(snapshots);
      throw err;
    }
    this.lastFlush.set(partition, this.now());
    return true;
  }

  partitionsWithStagedWork(): number[] {
    return [...this.memories].filter(([, m]) => m.stagedCount > 0).map(([p]) => p);
  }

  /** Forgets a partition's memory: another member may decide on it now, or a batch failed half-way. */
  evict(partition: number): void {
    this.memories.get(partition)?.detach();
    this.memories.delete(partition);
  }

  evictAll(): void {
    for (const partition of [...this.memories.keys()]) this.evict(partition);
  }

  /** Resolves once every write started so far has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.writes.values()].map((w) => w.catch(() => false)));
  }
}
