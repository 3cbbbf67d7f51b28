import { RoutedCommand } from '@app/contracts';
import { PartitionReader } from '@app/kafka';
import { catchUpPartition } from '../catch-up/catch-up';
import { RawEventLog } from '../fencing/fenced-event-log';
import { UserStateStore } from '../state/user-state.store';
import { BatchDecider } from './batch-decider';

export interface ProcessorLog {
  caughtUp(partition: number, folded: number): void;
  undecodable(partition: number, offset: string, reason: string): void;
  flushFailed(partition: number, err: Error): void;
}

/**
 * What the command-processor does with the partitions it owns, without Kafka's consumer around
 * it: catch up once per assignment, decide batches in log order, write snapshots in the
 * background. The consumer calls `handle` for one partition at a time, in order.
 */
export class PartitionProcessor {
  constructor(
    private readonly store: UserStateStore,
    private readonly decider: BatchDecider,
    private readonly reader: PartitionReader,
    /** Catch-up appends its fence marker here; decided events go through the decider's FencedEventLog. */
    private readonly markers: RawEventLog,
    private readonly eventsTopic: string,
    private readonly log: ProcessorLog,
  ) {}

  async handle(partition: number, commands: readonly RoutedCommand[]): Promise<void> {
    // One memory for the whole batch: caught up and decided on together. A memory is caught up
    // once it has a writer; eviction replaces it, so the next batch catches up again.
    const memory = this.store.partition(partition);
    try {
      if (!memory.writer) {
        const folded = await catchUpPartition(this.eventsTopic, memory, this.reader, this.markers, this.store, (offset, reason) =>
          this.log.undecodable(partition, offset, reason),
        );
        this.log.caughtUp(partition, folded);
      }
      // Evicted meanwhile (a rebalance, a failed flush): the live memory is another, not caught up.
      if (memory.detached) throw new Error(`partition ${partition} was evicted during its batch`);
      if (commands.length === 0) return;
      await this.decider.decide(memory, commands);
    } catch (err) {
      // Whatever was half done is in the log or nowhere: forget memory, catch up again on retry.
      if (!memory.detached) this.forget(partition);
      throw err;
    }
    // Not awaited: the log is the record, a snapshot only shortens the next catch-up.
    void this.flush(partition, false);
  }

  /** A new consumer-group generation: another member may have decided on any partition meanwhile. */
  reassigned(): void {
    this.store.evictAll();
  }

  forget(partition: number): void {
    this.store.evict(partition);
  }

  /** The timer's flush: quiet partitions get their staged snapshots written too. */
  flushDue(): Promise<boolean[]> {
    return Promise.all(this.store.partitionsWithStagedWork().map((p) => this.flush(p, false)));
  }

  async flushAll(): Promise<void> {
    await Promise.all(this.store.partitionsWithStagedWork().map((p) => this.flush(p, true)));
    await this.store.settled();
  }

  private flush(partition: number, force: boolean): Promise<boolean> {
    return this.store.flush(partition, force).catch((err: Error) => {
      this.log.flushFailed(partition, err);
      return false;
    });
  }
}
