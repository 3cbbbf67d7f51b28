import { PartitionMemory } from './partition-memory';
import { SnapshotStore } from './ports';

/**
 * The live `PartitionMemory` of each partition this process owns. Eviction detaches the object
 * and forgets it, so work still holding the old one (a load, a batch, a failed flush restaging)
 * can never reach the fresh one that `of` hands out next.
 */
export class PartitionMemories {
  private readonly memories = new Map<number, PartitionMemory>();

  constructor(private readonly snapshots: SnapshotStore) {}

  /** The live memory of a partition (a fresh one after eviction). */
  of(partition: number): PartitionMemory {
    let memory = this.memories.get(partition);
    if (!memory) {
      memory = new PartitionMemory(partition, this.snapshots);
      this.memories.set(partition, memory);
    }
    return memory;
  }

  /** The live memory, without creating one: a flush of an evicted partition has nothing to write. */
  existing(partition: number): PartitionMemory | undefined {
    return this.memories.get(partition);
  }

  withStagedWork(): number[] {
    return [...this.memories].filter(([, m]) => m.stagedCount > 0).map(([p]) => p);
  }

  evict(partition: number): void {
    this.memories.get(partition)?.detach();
    this.memories.delete(partition);
  }

  evictAll(): void {
    for (const partition of [...this.memories.keys()]) this.evict(partition);
  }
}
