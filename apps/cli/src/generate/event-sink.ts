import { randomUUID } from 'node:crypto';
import { DomainEvent, HomeserverEvent, RoutedCommand, encodeMessage, writerStarted } from '@app/contracts';
import { UserKeysState, decideBatch, initialUserKeysState, homeserverEventToCommand } from '@app/domain';
import { partitionForKey } from '@app/kafka';
import { FormSink, SinkTarget } from './form-sink';
import { KafkaForm } from './kafka-forms';

/**
 * Events mode, for filling the log fast (replay benches): every operation becomes the same
 * commands as in Kafka mode, decided here by the command-processor's own pure `decideBatch`, in
 * operation order, against states kept in memory; the resulting events go straight to
 * `e2ee.events`, on the partition the processor would write them to. The log is what the
 * processor would have written, without its round trips and snapshots. The processor must not
 * run on the same topics meanwhile (it would decide on states that miss these events).
 */
export class EventSink extends FormSink {
  private readonly states = new Map<string, UserKeysState>();
  /** As a processor does, it writes as each partition's writer (writer-fence.ts), marker first. */
  private readonly writer = randomUUID();
  private readonly marked = new Set<number>();

  constructor(
    target: SinkTarget,
    private readonly partitions: number,
  ) {
    super(target);
  }

  protected send(form: KafkaForm): Promise<void> {
    const commands: { endpoint: string; command: RoutedCommand }[] = form.homeserver.map((e: HomeserverEvent) => ({
      endpoint: 'events from hs.events',
      command: homeserverEventToCommand(e, `hs:${e.id}`) as RoutedCommand,
    }));
    if (form.command) commands.push({ endpoint: `events from ${form.command.command.type}`, command: form.command.command });
    const sent: Promise<void>[] = [];
    for (const { endpoint, command } of commands) {
      const { decided, states } = decideBatch([command], new Map(this.stateOf(command.key)), initialUserKeysState);
      this.states.set(command.key, states.get(command.key) ?? initialUserKeysState());
      const partition = partitionForKey(command.key, this.partitions);
      if (!this.marked.has(partition)) {
        this.marked.add(partition);
        sent.push(this.append(endpoint, partition, writerStarted(this.writer, partition)));
      }
      for (const event of decided[0].events) sent.push(this.append(endpoint, partition, { ...event, writer: this.writer }));
    }
    return Promise.all(sent).then(() => undefined);
  }

  private append(endpoint: string, partition: number, event: DomainEvent): Promise<void> {
    return this.sender.enqueue(endpoint, { topic: this.topics.events, key: event.key, value: encodeMessage(event), partition, headers: { type: event.type } });
  }

  private stateOf(key: string): [string, UserKeysState][] {
    const state = this.states.get(key);
    return state ? [[key, state]] : [];
  }
}
