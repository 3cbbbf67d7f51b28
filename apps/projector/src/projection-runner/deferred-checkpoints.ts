/** Saves a partition's checkpoint ($max: it never moves back). */
export type SaveCheckpoint = (partition: number, offset: string) => Promise<void>;

/** How late the checkpoint may be after a batch the projection applied nothing of. */
export const DEFERRED_CHECKPOINT_MS = 1000;

/**
 * Checkpoints of batches a projection applies nothing of (another projection's events: claims
 * for the device keys, say). Nothing in the store changed, so nothing is lost by saving their
 * position later: the latest of each partition is saved on a timer, not after each batch. Read
 * barriers do not wait for them (the keys-api needs a projection only up to the last event it
 * applies, relevant-offsets.ts), except right after a keys-api starts, for at most this delay.
 * Under claim traffic this saves five of the six projections' checkpoint writes per batch.
 */
export class DeferredCheckpoints {
  private readonly pending = new Map<number, string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly save: SaveCheckpoint,
    private readonly failed: (err: Error) => void,
    private readonly delayMs = DEFERRED_CHECKPOINT_MS,
  ) {}

  /** A batch up to `offset` changed nothing: save its position within the delay. */
  skipped(partition: number, offset: string): void {
    this.pending.set(partition, offset);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  /** A checkpoint at `offset` was just saved: a pending one at or below it is covered. */
  saved(partition: number, offset: string): void {
    const pending = this.pending.get(partition);
    if (pending !== undefined && BigInt(pending) <= BigInt(offset)) this.pending.delete(partition);
  }

  /** Saves what is pending now (also at shutdown). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = [...this.pending];
    this.pending.clear();
    await Promise.all(
      due.map(([partition, offset]) =>
        this.save(partition, offset).catch((err: Error) => {
          this.failed(err);
          if (!this.pending.has(partition)) this.skipped(partition, offset); // tried again after the delay
        }),
      ),
    );
  }
}
