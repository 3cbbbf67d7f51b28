/**
 * Runs a partition's writes one at a time, in the order they were asked for: a later write
 * (snapshots, then checkpoint) can never overtake an earlier one of this process. The chain is
 * per partition number, not per memory, so it outlives eviction: catch-up's first flush queues
 * behind a write the evicted memory still has in flight. A failed write does not stop the next.
 */
export class PartitionWriteChain {
  private readonly tails = new Map<number, Promise<boolean>>();

  /** Runs `write` after every write queued before on this partition; resolves with its result. */
  run(partition: number, write: () => Promise<boolean>): Promise<boolean> {
    const previous = this.tails.get(partition) ?? Promise.resolve(false);
    const next = previous.catch(() => false).then(write);
    this.tails.set(partition, next);
    return next;
  }

  /** Resolves once every write started so far has ended (failed ones included). */
  async settled(): Promise<void> {
    await Promise.all([...this.tails.values()].map((w) => w.catch(() => false)));
  }
}
