export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read, as Kafka's commit expects. */
  readonly offset: string;
}

/**
 * Commits handled offsets without making the next batch wait for the round trip: the latest
 * offset of each partition waits here, and one commit at a time carries all of them. Safe for
 * handlers that are idempotent (every consumer of this project): a commit that is late or lost
 * only means a redelivery after a restart. Forgetting on a new assignment keeps a stale offset
 * of a partition that moved to another member from being committed after its new owner's.
 */
export class BackgroundCommits {
  private readonly pending = new Map<string, PartitionOffset>();
  private running?: Promise<void>;

  constructor(
    private readonly commit: (offsets: PartitionOffset[]) => Promise<void>,
    private readonly failed: (err: Error) => void,
  ) {}

  handled(offset: PartitionOffset): void {
    this.pending.set(`${offset.topic}\u0000${offset.partition}`, offset);
    this.kick();
  }

  private kick(): void {
    if (this.running || this.pending.size === 0) return;
    // Offsets handled between the loop's end and this callback are picked up by the next kick.
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  /** A new group generation: what this member handled before may belong to another member now. */
  forget(): void {
    this.pending.clear();
  }

  /** Resolves once everything handled so far was committed (or its commit failed). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    while (this.pending.size > 0) {
      const offsets = [...this.pending.values()];
      this.pending.clear();
      await this.commit(offsets).catch((err: Error) => this.failed(err));
    }
  }
}
