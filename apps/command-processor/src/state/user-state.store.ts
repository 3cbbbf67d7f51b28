import { FlushSchedule } from './flush-schedule';
import { PartitionMemories } from './partition-memories';
import { PartitionMemory } from './partition-memory';
import { PartitionWriteChain } from './partition-write-chain';
import { PartitionCheckpoints, ProcessorCheckpoint, SnapshotStore } from './ports';
import { StoredOffsets } from './stored-offsets';

/**
 * The command-processor's own projection of e2ee.events: per partition it owns, a
 * `PartitionMemory` of user states, written to the snapshot store with the partition's
 * checkpoint at most every `intervalMs`.
 *
 * Invariant: a user's state in memory only moves forward in log offset, and the stored snapshot
 * of a user never goes back either. Enforced by construction, each part in its own file:
 *  - one writer: only the partition's batch loop stages states (`PartitionMemory.stage`, which
 *    refuses to go back); flushes only read what was staged, and never write memory;
 *  - eviction replaces the partition's memory object (partition-memories.ts), so work in flight
 *    on the old one (a load, a batch, a failed flush restaging) cannot touch the new one;
 *  - writes of a partition (snapshots, then checkpoint) run one at a time in a chain that
 *    outlives eviction (partition-write-chain.ts), so a late write cannot overtake a newer one;
 *  - a write leaves out states older than this process already stored (stored-offsets.ts; found
 *    by the simulation, src/simulation/: a catch-up after an eviction flushed its first, older
 *    states over them).
 * When a flush is due: flush-schedule.ts.
 */
export class UserStateStore {
  private readonly memories: PartitionMemories;
  private readonly writes = new PartitionWriteChain();
  private readonly stored = new StoredOffsets();
  private readonly schedule: FlushSchedule;
  /** Per partition, the offset this process last saved as checkpoint. */
  private readonly savedThrough = new Map<number, number>();

  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly checkpoints: PartitionCheckpoints,
    intervalMs: number,
    now: () => number = Date.now,
  ) {
    this.memories = new PartitionMemories(snapshots);
    this.schedule = new FlushSchedule(intervalMs, now);
  }

  /** The live memory of a partition (a fresh one after eviction). */
  partition(partition: number): PartitionMemory {
    return this.memories.of(partition);
  }

  loadCheckpoint(partition: number): Promise<ProcessorCheckpoint | undefined> {
    return this.checkpoints.load(partition);
  }

  /**
   * Writes a partition's staged states, then its checkpoint, when `force`d, when the last flush
   * is older than the interval, or when many users wait. Resolves whether it wrote.
   */
  flush(partition: number, force: boolean): Promise<boolean> {
    return this.writes.run(partition, () => this.flushNow(partition, force));
  }

  private async flushNow(partition: number, force: boolean): Promise<boolean> {
    const memory = this.memories.existing(partition);
    if (!memory) return false;
    if (memory.stagedCount === 0 && force) return this.advanceCheckpoint(partition, memory);
    if (!this.schedule.due(partition, memory.stagedCount, force)) return false;
    const { snapshots, through, fence } = memory.takeStaged();
    const newer = this.stored.newer(snapshots);
    try {
      await this.snapshots.write(partition, newer);
      this.stored.record(newer);
      // Every state folded through `through` is now stored: this one or an earlier flush wrote it.
      await this.checkpoints.save(partition, through, fence);
      this.savedThrough.set(partition, Math.max(through, this.savedThrough.get(partition) ?? -1));
    } catch (err) {
      // No later checkpoint may pass them unwritten (a detached memory is rebuilt by catch-up).
      memory.restage(snapshots);
      throw err;
    }
    this.schedule.flushed(partition);
    return true;
  }

  /**
   * Nothing staged, but memory was folded past the last checkpoint (fence markers, void or
   * other users' events that changed no state): every state through it is stored, so the
   * checkpoint moves there, and the next catch-up need not read those again.
   */
  private async advanceCheckpoint(partition: number, memory: PartitionMemory): Promise<boolean> {
    const { through, fence } = memory.takeStaged();
    if (through <= (this.savedThrough.get(partition) ?? -1)) return false;
    await this.checkpoints.save(partition, through, fence);
    this.savedThrough.set(partition, through);
    return true;
  }

  partitionsWithStagedWork(): number[] {
    return this.memories.withStagedWork();
  }

  /** Forgets a partition's memory: another member may decide on it now, or a batch failed half-way. */
  evict(partition: number): void {
    this.memories.evict(partition);
  }

  evictAll(): void {
    this.memories.evictAll();
  }

  /** Resolves once every write started so far has ended. */
  async settled(): Promise<void> {
    await this.writes.settled();
  }
}
