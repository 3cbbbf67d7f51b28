import { randomUUID } from 'node:crypto';
import { DomainEvent, EventOf } from './events';

/**
 * Where a reader of one partition of e2ee.events stands in its fence history: the writer of the
 * latest WriterStarted marker it has passed, and that marker's offset. Null before any marker.
 */
export interface FencePosition {
  readonly writer: string;
  readonly markerOffset: number;
}

/**
 * The rule every reader of e2ee.events applies, so all of them agree on which events stand:
 * - a WriterStarted marker makes its writer the partition's current writer (the latest marker
 *   in log order wins, so a new owner fences the old one by appending one);
 * - after a marker, an event stands only if it names the current writer; an event of any other
 *   writer (a previous owner that has not noticed it lost the partition) is void for everyone;
 * - before any marker (a log written before fencing existed), every event stands.
 * The writer itself checks, before it replies, that no marker came between its own marker and
 * its events (FencedEventLog), so nothing a client was told rests on a void event.
 */
export class WriterFence {
  constructor(private position: FencePosition | null = null) {}

  get current(): FencePosition | null {
    return this.position;
  }

  /** Whether the event at `offset` stands. Markers are admitted (and move the fence); they change no state. */
  admit(event: DomainEvent, offset: number): boolean {
    if (event.type === 'WriterStarted') {
      if (this.position === null || offset > this.position.markerOffset) this.position = { writer: event.data.writer, markerOffset: offset };
      return true;
    }
    return this.position === null || event.writer === this.position.writer;
  }
}

/**
 * A fence position as one string whose order is the markers' log order (zero-padded offset
 * first), so a checkpoint can keep it with `$max` next to its offset: the later of two
 * checkpoints of a partition has the later (or same) latest marker.
 */
export function encodeFencePosition(position: FencePosition): string {
  return `${String(position.markerOffset).padStart(16, '0')}|${position.writer}`;
}

export function decodeFencePosition(encoded: string | undefined | null): FencePosition | null {
  if (!encoded) return null;
  const bar = encoded.indexOf('|');
  if (bar < 0) throw new Error(`not a fence position: ${encoded}`);
  return { markerOffset: Number(encoded.slice(0, bar)), writer: encoded.slice(bar + 1) };
}

/** The marker a new owner appends to its partition before anything else. */
export function writerStarted(writer: string, partition: number, now: number = Date.now()): EventOf<'WriterStarted'> {
  return {
    id: randomUUID(),
    type: 'WriterStarted',
    schemaVersion: 1,
    key: `partition:${partition}`,
    time: now,
    correlationId: writer,
    causationId: null,
    data: { writer },
  };
}

/** The fence of each partition, for a reader that reads several from their start (replay, audits). */
export class PartitionFences {
  private readonly fences = new Map<number, WriterFence>();

  /** Whether the event stands and is a domain event (not a marker). */
  stands(partition: number, event: DomainEvent, offset: number): boolean {
    let fence = this.fences.get(partition);
    if (!fence) this.fences.set(partition, (fence = new WriterFence()));
    return fence.admit(event, offset) && event.type !== 'WriterStarted';
  }

  /** The encoded fence position reached in a partition, for its checkpoint (undefined before any marker). */
  encodedPositionOf(partition: number): string | undefined {
    const current = this.fences.get(partition)?.current;
    return current ? encodeFencePosition(current) : undefined;
  }
}
