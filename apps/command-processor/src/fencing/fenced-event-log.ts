import { DomainEvent, UndecodableMessageError, decodeEvent } from '@app/contracts';
import { PartitionReader } from '@app/kafka';
import { EventLog } from '../processing/batch-decider';
import { PartitionWriter, SkippedRange, WriterFencedError } from './partition-writer';

/** Appends to one partition of e2ee.events as given: no stamp, no check (the Kafka producer). */
export interface RawEventLog {
  append(partition: number, events: readonly DomainEvent[]): Promise<readonly number[]>;
}

/**
 * The processor's only way to append decided events. Each event names the partition's writer,
 * and before the offsets are handed back (so before any reply) the writer checks that nobody
 * appended a marker between its previous write and these events: if someone did, the events are
 * void for every reader (writer-fence.ts) and it throws instead. A gap without a marker (a stale
 * writer's void events) is harmless. Gaps are rare, so reading them costs nothing in the common case.
 */
export class FencedEventLog implements EventLog {
  constructor(
    private readonly raw: RawEventLog,
    private readonly reader: PartitionReader,
    private readonly topic: string,
  ) {}

  async append(writer: PartitionWriter | undefined, events: readonly DomainEvent[]): Promise<readonly number[]> {
    if (events.length === 0) return [];
    if (!writer) throw new Error('no writer for the partition: it was not caught up');
    const offsets = await this.raw.append(writer.partition, writer.stamp(events));
    for (const range of writer.skippedBefore(offsets)) {
      const fencedBy = await this.markerIn(writer.partition, range);
      if (fencedBy !== undefined) throw new WriterFencedError(writer.partition, writer.id, fencedBy);
    }
    return offsets;
  }

  /** The writer of the first WriterStarted marker in the range, if any. */
  private async markerIn(partition: number, range: SkippedRange): Promise<string | undefined> {
    let found: string | undefined;
    await this.reader.read(this.topic, partition, String(range.from), async (messages) => {
      for (const m of messages) {
        if (found !== undefined || Number(m.offset) >= range.to) return;
        const event = decodeOrNull(m.value);
        if (event?.type === 'WriterStarted') found = event.data.writer;
      }
    });
    return found;
  }
}

function decodeOrNull(value: Buffer | null): DomainEvent | null {
  try {
    return decodeEvent(value);
  } catch (err) {
    if (err instanceof UndecodableMessageError) return null; // not a marker, whatever it is
    throw err;
  }
}
