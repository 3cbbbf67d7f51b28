import { CommandReply, DomainEvent, FencePosition, decodeEvent, encodeMessage } from '@app/contracts';
import { ConsumedMessage, PartitionReader } from '@app/kafka';
import { FencedEventLog, RawEventLog } from '../fencing/fenced-event-log';
import { ReplyOutbox } from '../processing/batch-decider';
import { PartitionCheckpoints, ProcessorCheckpoint, SnapshotStore, UserSnapshot } from '../state/ports';

/** A promise the test settles when it chooses. */
export function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

/** Snapshots in a map; a write can be held open until the test releases it. */
export class HeldSnapshotStore implements SnapshotStore {
  readonly stored = new Map<string, UserSnapshot>();
  private held: Promise<void> | null = null;
  /** Resolves when a held write has started (and is waiting for its release). */
  writeStarted = deferred();

  /** The next write waits (before it lands) until `release` is called. */
  holdNextWrite(): () => void {
    const gate = deferred();
    this.held = gate.promise;
    this.writeStarted = deferred();
    return gate.release;
  }

  async load(userIds: readonly string[]): Promise<Map<string, UserSnapshot>> {
    return new Map(userIds.filter((id) => this.stored.has(id)).map((id) => [id, this.stored.get(id)!]));
  }

  async write(_partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void> {
    const copy = new Map(snapshots);
    const gate = this.held;
    this.held = null;
    if (gate) {
      this.writeStarted.release();
      await gate;
    }
    // As the port promises: never an older state over a newer one.
    for (const [id, s] of copy) if (s.lastOffset > (this.stored.get(id)?.lastOffset ?? -1)) this.stored.set(id, s);
  }
}

export class InMemoryCheckpoints implements PartitionCheckpoints {
  readonly saved = new Map<number, number>();
  readonly fences = new Map<number, FencePosition | null>();

  async load(partition: number): Promise<ProcessorCheckpoint | undefined> {
    const offset = this.saved.get(partition);
    return offset === undefined ? undefined : { offset, fence: this.fences.get(partition) ?? null };
  }

  async save(partition: number, offset: number, fence: FencePosition | null): Promise<void> {
    if (offset < (this.saved.get(partition) ?? -1)) return;
    this.saved.set(partition, offset);
    this.fences.set(partition, fence);
  }
}

/** e2ee.events as an array per partition: written by the decider, read back by catch-up. */
export class InMemoryEventLog implements RawEventLog, PartitionReader {
  readonly partitions = new Map<number, Buffer[]>();

  async append(partition: number, events: readonly DomainEvent[]): Promise<readonly number[]> {
    const log = this.partitions.get(partition) ?? [];
    this.partitions.set(partition, log);
    return events.map((e) => log.push(encodeMessage(e)) - 1);
  }

  events(partition: number): DomainEvent[] {
    return (this.partitions.get(partition) ?? []).map((b) => decodeEvent(b));
  }

  /** The offset of the last event command `commandId` produced. */
  lastOffsetOfCommand(partition: number, commandId: string): number {
    return this.events(partition)
      .map((e) => e.causationId)
      .lastIndexOf(commandId);
  }

  /** The offset of the last event about `key` (fence markers are not about any user). */
  lastOffsetOf(partition: number, key: string): number {
    return this.events(partition)
      .map((e) => e.key)
      .lastIndexOf(key);
  }

  async read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
    const log = this.partitions.get(partition) ?? [];
    const messages = log
      .map((value, offset): ConsumedMessage => ({ topic, partition, offset: String(offset), key: null, value, headers: {} }))
      .slice(Number(fromOffset));
    if (messages.length > 0) await onMessages(messages);
  }

  async readRange(): Promise<Map<number, string>> {
    throw new Error('not used by the processor');
  }

  /** The decider's view of it: appends stamped and checked as the partition's writer. */
  fenced(): FencedEventLog {
    return new FencedEventLog(this, this, 'e2ee.events');
  }
}

export class CollectingOutbox implements ReplyOutbox {
  readonly replies: CommandReply[] = [];

  async send(replies: readonly CommandReply[]): Promise<void> {
    this.replies.push(...replies);
  }
}
