import { DomainEvent, RecordedEvent, WriterFence, decodeEvent, encodeMessage } from '@app/contracts';
import { Violations } from './violations';

/**
 * e2ee.events as the broker holds it: append-only partitions of encoded events. Every append
 * that lands is checked at once: no event id twice (a command's events are written once) and no
 * one-time key of a device claimed twice (until the device is deleted, which forgets its keys).
 */
export class SimulatedEventLog {
  private readonly messages = new Map<number, Buffer[]>();
  private readonly recorded = new Map<number, RecordedEvent[]>();
  private readonly byCommand = new Map<string, RecordedEvent[]>();
  private readonly eventIds = new Set<string>();
  /** `JSON [user, device]` -> key name -> the command that claimed it. */
  private readonly claimed = new Map<string, Map<string, string>>();
  private known: readonly number[] = [];
  /** The readers' rule (writer-fence.ts), applied as each event lands. */
  private readonly fences = new Map<number, WriterFence>();
  private readonly voided = new Set<RecordedEvent>();

  constructor(private readonly violations: Violations) {}

  append(partition: number, events: readonly DomainEvent[]): number[] {
    const messages = this.messagesOf(partition);
    const recorded = this.recordedOf(partition);
    return events.map((event) => {
      const offset = messages.push(encodeMessage(event)) - 1;
      // Decoded from the bytes, as every reader sees it.
      const entry: RecordedEvent = { event: decodeEvent(messages[offset]), partition, offset: String(offset) };
      recorded.push(entry);
      const fence = this.fences.get(partition) ?? new WriterFence();
      this.fences.set(partition, fence);
      if (!fence.admit(entry.event, offset)) {
        this.voided.add(entry); // a fenced writer's: no reader counts it
        return offset;
      }
      this.check(entry);
      if (event.causationId) this.byCommand.set(event.causationId, [...this.eventsOf(event.causationId), entry]);
      return offset;
    });
  }

  end(partition: number): number {
    return this.messagesOf(partition).length;
  }

  slice(partition: number, from: number, to: number): readonly Buffer[] {
    return this.messagesOf(partition).slice(from, to);
  }

  events(partition: number): readonly RecordedEvent[] {
    return this.recordedOf(partition);
  }

  /** Whether an event counts for readers: not a fence marker, and not void (written by a fenced writer). */
  stands(entry: RecordedEvent): boolean {
    return entry.event.type !== 'WriterStarted' && !this.voided.has(entry);
  }

  /** The events a command caused that stand, in log order. */
  eventsOf(commandId: string): readonly RecordedEvent[] {
    return this.byCommand.get(commandId) ?? [];
  }

  get partitions(): readonly number[] {
    return this.known;
  }

  private check({ event, offset, partition }: RecordedEvent): void {
    if (this.eventIds.has(event.id)) this.violations.report(`event ${event.id} appended twice (again at ${partition}/${offset})`);
    this.eventIds.add(event.id);
    if (event.type === 'DeviceDeleted') this.claimed.delete(JSON.stringify([event.data.userId, event.data.deviceId]));
    if (event.type !== 'OneTimeKeyClaimed') return;
    const device = JSON.stringify([event.data.userId, event.data.deviceId]);
    const keys = this.claimed.get(device) ?? new Map<string, string>();
    this.claimed.set(device, keys);
    const earlier = keys.get(event.data.keyName);
    if (earlier !== undefined) {
      this.violations.report(
        `one-time key ${event.data.keyName} of ${device} handed out twice: by ${earlier} and by ${event.causationId} (at ${partition}/${offset})`,
      );
    }
    keys.set(event.data.keyName, event.causationId ?? '?');
  }

  private messagesOf(partition: number): Buffer[] {
    let messages = this.messages.get(partition);
    if (!messages) {
      messages = [];
      this.messages.set(partition, messages);
      this.known = [...this.messages.keys()].sort((a, b) => a - b);
    }
    return messages;
  }

  private recordedOf(partition: number): RecordedEvent[] {
    const recorded = this.recorded.get(partition) ?? [];
    this.recorded.set(partition, recorded);
    return recorded;
  }
}
