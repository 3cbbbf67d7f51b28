import { TopicNames } from '@app/contracts';
import { MessageProducer } from '@app/kafka';
import { BatchingSender } from './batching-sender';
import { KafkaForm, KafkaForms } from './kafka-forms';
import { KeyMaterial } from './key-material';
import { Recorder } from './recorder';
import { Sink } from './sink';
import { Operation } from './traffic-plan';

/** Where a Kafka-writing sink sends, and what it signs and records with. */
export interface SinkTarget {
  readonly producer: MessageProducer;
  readonly topics: TopicNames;
  readonly keys: KeyMaterial;
  readonly recorder: Recorder;
  readonly runId: string;
}

/**
 * A sink that writes each operation's Kafka form (kafka-sink.ts) through one batching sender;
 * operations with no Kafka form (reads) are recorded as skipped. Subclasses say what a form becomes.
 */
export abstract class FormSink implements Sink {
  private readonly forms: KafkaForms;
  protected readonly sender: BatchingSender;
  protected readonly topics: TopicNames;

  protected constructor(
    private readonly target: SinkTarget,
    batchSize?: number,
  ) {
    this.forms = new KafkaForms(target.keys, target.runId);
    this.sender = new BatchingSender(target.producer, target.recorder, batchSize);
    this.topics = target.topics;
  }

  perform(op: Operation): Promise<void> {
    const form = this.forms.of(op);
    if (!form) {
      this.target.recorder.skip(op.kind);
      return Promise.resolve();
    }
    return this.send(form);
  }

  close(): Promise<void> {
    return this.sender.close();
  }

  protected abstract send(form: KafkaForm): Promise<void>;
}
