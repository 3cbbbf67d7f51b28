import { randomUUID } from 'node:crypto';
import { DomainEvent, HomeserverEvent, RoutedCommand, TopicNames, encodeMessage, homeserverEventToCommand, writerStarted } from '@app/contracts';
import { UserKeysState, decideBatch, initialUserKeysState } from '@app/domain';
import { MessageProducer, partitionForKey } from '@app/kafka';
import { BatchingSender, KafkaForms } from './kafka-sink';
import { KeyMaterial } from './key-material';
import { Recorder } from './recorder';
import { Sink } from './sink';
import { Operation } from './traffic-plan';

/**
 * Events mode, for filling the log fast (replay benches): every operation becomes the same
 * commands as in Kafka mode, decided here by the command-processor's own pure `decideBatch`, in
 * operation order, against states kept in memory; the resulting events go straight to
 * `e2ee.events`, on the partition the processor would write them to. The log is what the
 * processor would have written, without its round trips and snapshots. The processor must not
 * run on the same topics meanwhile (it would decide on states that miss these events).
 */
export class EventSink implements Sink {
  private readonly forms: KafkaForms;
  private readonly sender: BatchingSender;
  private readonly states = new Map<string, UserKeysState>();
  /** As a processor does, it writes as each partition's writer (writer-fence.ts), marker first. */
  private readonly writer = randomUUID();
  private readonly marked = new Set<number>();

  constructor(
    producer: MessageProducer,
    private readonly topics: TopicNames,
    keys: KeyMaterial,
    private readonly recorder: Recorder,
    runId: string,
    private readonly partitions: number,
  ) {
    this.forms = new KafkaForms(keys, runId);
    this.sender = new BatchingSender(producer, recorder);
  }

  perform(op: Operation): Promise<void> {
    const form = this.forms.of(op);
    if (!form) {
      this.recorder.skip(op.kind);
      return Promise.resolve();
    }
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

  close(): Promise<void> {
    return this.sender.close();
  }

  private append(endpoint: string, partition: number, event: DomainEvent): Promise<void> {
    return this.sender.enqueue(endpoint, { topic: this.topics.events, key: event.key, value: encodeMessage(event), partition, headers: { type: event.type } });
  }

  private stateOf(key: string): [string, UserKeysState][] {
    const state = this.states.get(key);
    return state ? [[key, state]] : [];
  }
}
