import { WriterFence, decodeFencePosition } from '@app/contracts';

/**
 * The projector's WriterFence per partition of e2ee.events (writer-fence.ts), so a projection
 * applies only the events that stand. Kept in memory while batches follow one another; a batch
 * that starts anywhere else (after a rebalance, a retried batch, a restart) starts from the
 * fence position stored with the projection's checkpoint. That is right for any start at or
 * below the checkpoint: every event up to it is applied already, so judging those again by a
 * later fence changes nothing (the writes are position-guarded). A start above it is right
 * too: a batch with a marker saves its checkpoint at once (never deferred), so no marker lies
 * between the checkpoint and the start.
 */
export class ProjectorFences {
  private readonly known = new Map<number, { fence: WriterFence; next: bigint }>();

  constructor(private readonly stored: (partition: number) => Promise<string | undefined>) {}

  /** A fence to judge the batch with; it is only kept if the batch is `applied`. */
  async forBatch(partition: number, firstOffset: string): Promise<WriterFence> {
    const known = this.known.get(partition);
    if (known && known.next === BigInt(firstOffset)) return new WriterFence(known.fence.current);
    this.known.delete(partition);
    return new WriterFence(decodeFencePosition(await this.stored(partition)));
  }

  applied(partition: number, fence: WriterFence, lastOffset: string): void {
    this.known.set(partition, { fence, next: BigInt(lastOffset) + 1n });
  }
}
