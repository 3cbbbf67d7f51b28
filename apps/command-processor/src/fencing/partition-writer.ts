import { DomainEvent } from '@app/contracts';

/** Another writer's marker came before this writer's events: they are void, and it must stop. */
export class WriterFencedError extends Error {
  constructor(partition: number, writer: string, fencedBy: string) {
    super(`partition ${partition}: writer ${writer} was fenced by ${fencedBy}; its last events are void`);
  }
}

/** Offsets [from, to) of a partition that someone else wrote. */
export interface SkippedRange {
  readonly from: number;
  readonly to: number;
}

/**
 * This process as the one writer of a partition of e2ee.events, from its WriterStarted marker
 * on. It knows the offset after the last one it has accounted for (its own events, or others'
 * it has checked), so the log's answer to an append says whether anyone wrote in between.
 */
export class PartitionWriter {
  constructor(
    readonly partition: number,
    readonly id: string,
    private next: number,
  ) {}

  /** The events as this writer's: readers admit them while its marker is the latest. */
  stamp(events: readonly DomainEvent[]): DomainEvent[] {
    return events.map((e) => ({ ...e, writer: this.id }));
  }

  /** The ranges others wrote before these offsets (the writer's own appended events), now accounted for. */
  skippedBefore(offsets: readonly number[]): SkippedRange[] {
    const skipped: SkippedRange[] = [];
    for (const offset of offsets) {
      if (offset < this.next) throw new Error(`partition ${this.partition}: offset ${offset} handed out twice (next was ${this.next})`);
      if (offset > this.next) skipped.push({ from: this.next, to: offset });
      this.next = offset + 1;
    }
    return skipped;
  }
}
