import { CommandReply, DomainEvent, RoutedCommand } from '@app/contracts';
import { DecidedCommand, decideBatch, initialUserKeysState, UserKeysState } from '@app/domain';
import { PartitionWriter } from '../fencing/partition-writer';
import { PartitionMemory } from '../state/partition-memory';
import { UserSnapshot } from '../state/ports';
import { PoisonedCommands, decideIsolatingPoison, failedReply } from './poisoned-commands';

/** Appends events to one partition of e2ee.events (acks=all) and returns their offsets, in order. */
export interface EventLog {
  /** As the partition's writer (fencing/fenced-event-log.ts); throws if the writer was fenced. */
  append(writer: PartitionWriter | undefined, events: readonly DomainEvent[]): Promise<readonly number[]>;
}

/** Sends replies to the API instances waiting for them. */
export interface ReplyOutbox {
  send(replies: readonly CommandReply[]): Promise<void>;
}

/**
 * Decides a batch of one partition's commands in log order on the partition's memory: events
 * durable first, then replies, then the new states staged (written later by a flush).
 * With `poisoned`, a command whose pure decide throws is set aside there (e2ee.deadletter) and
 * answered with an error while the rest of the batch goes on; without it, the batch fails.
 * Only decide is guarded: a failed append, dead-letter or reply still fails the batch (retried).
 */
export class BatchDecider {
  constructor(
    private readonly log: EventLog,
    private readonly outbox: ReplyOutbox,
    private readonly observe: (decided: DecidedCommand, reply: CommandReply) => void = () => undefined,
    private readonly poisoned?: PoisonedCommands,
  ) {}

  async decide(memory: PartitionMemory, commands: readonly RoutedCommand[]): Promise<readonly CommandReply[]> {
    const snapshots = await memory.load(commands.map((c) => c.key));
    const states = new Map<string, UserKeysState>([...snapshots].map(([id, s]) => [id, s.state]));
    const {
      decided,
      poisoned,
      states: next,
    } = this.poisoned
      ? decideIsolatingPoison(commands, states, initialUserKeysState)
      : { ...decideBatch(commands, states, initialUserKeysState), poisoned: [] };

    const events = decided.flatMap((d) => d.events);
    const offsets = await this.log.append(memory.writer, events);
    const lastOffsetOf = new Map<string, number>();
    const offsetOfEvent = new Map<string, number>();
    events.forEach((e, i) => {
      lastOffsetOf.set(e.key, offsets[i]);
      offsetOfEvent.set(e.id, offsets[i]);
    });

    const replies = decided.map((d): CommandReply => {
      const last = d.events[d.events.length - 1];
      const outcome =
        d.reply.outcome.ok && last
          ? { ...d.reply.outcome, lastPosition: { partition: memory.partition, offset: String(offsetOfEvent.get(last.id)!) } }
          : d.reply.outcome;
      const reply = { ...d.reply, outcome };
      this.observe(d, reply);
      return reply;
    });
    // Recorded before the error replies go out: an answered poison is always in the dead-letter topic.
    for (const p of poisoned) await this.poisoned!.setAside(memory.partition, p);
    replies.push(...poisoned.map(failedReply));
    await this.outbox.send(replies.filter((r) => r.replyTo !== '')); // homeserver ingest: nobody waits

    const changed = new Map<string, UserSnapshot>();
    for (const [userId, lastOffset] of lastOffsetOf) changed.set(userId, { state: next.get(userId)!, lastOffset });
    if (offsets.length > 0) memory.stage(changed, Math.max(...offsets));
    return replies;
  }
}
