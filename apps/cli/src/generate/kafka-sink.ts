import { HomeserverEvent, RoutedCommand, TopicNames, encodeMessage } from '@app/contracts';
import { canonicalJson } from '@app/matrix';
import { MessageProducer, OutgoingMessage } from '@app/kafka';
import { KeyMaterial } from './key-material';
import { Recorder } from './recorder';
import { Sink } from './sink';
import { Operation } from './traffic-plan';

interface Queued {
  readonly endpoint: string;
  readonly message: OutgoingMessage;
  readonly enqueued: number;
  readonly done: () => void;
}

/** What one operation becomes in Kafka: homeserver events and key commands (reads have no Kafka form). */
export interface KafkaForm {
  readonly homeserver: readonly HomeserverEvent[];
  readonly command: { readonly endpoint: string; readonly command: RoutedCommand } | null;
}

/**
 * Turns operations into homeserver events (the hs.v1 contract) and key commands in the envelope
 * the keys-api produces, with an empty `replyTo`: nobody waits for a reply.
 */
export class KafkaForms {
  private seq = 0;

  constructor(
    private readonly keys: KeyMaterial,
    private readonly runId: string,
  ) {}

  of(op: Operation): KafkaForm | null {
    switch (op.kind) {
      case 'hs':
        return { homeserver: op.events, command: null };
      case 'upload': {
        const body = this.keys.uploadBody(op);
        const deviceKeys = body.device_keys as Record<string, unknown> | undefined;
        const keyList = (map: unknown) =>
          Object.entries((map ?? {}) as Record<string, unknown>).map(([keyName, value]) => ({ keyName, json: canonicalJson(value) }));
        return this.command('UploadKeys', op.userId, {
          userId: op.userId,
          deviceId: op.deviceId,
          deviceKeysJson: deviceKeys ? canonicalJson(deviceKeys) : null,
          oneTimeKeys: keyList(body.one_time_keys),
          fallbackKeys: keyList(body.fallback_keys),
          verifySignatures: true,
        });
      }
      case 'claim':
        return this.command('ClaimKeys', op.userId, {
          userId: op.userId,
          claims: [{ deviceId: op.deviceId, algorithm: 'signed_curve25519' }],
          claimedBy: `${op.claimer}|GEN`,
        });
      case 'query':
      case 'changes':
        return null;
    }
  }

  private command<T extends RoutedCommand['type']>(type: T, key: string, data: Extract<RoutedCommand, { type: T }>['data']): KafkaForm {
    const command = {
      id: `gen:${this.runId}:${++this.seq}`,
      type,
      schemaVersion: 1,
      key,
      time: Date.now(),
      correlationId: `generate:${this.runId}`,
      causationId: null,
      data,
      routing: { replyTo: '' },
    } as RoutedCommand;
    return { homeserver: [], command: { endpoint: `command ${type}`, command } };
  }
}

/**
 * Sends messages in batches through the project's keyed producer and records each one's
 * latency from enqueue to acknowledgement; a failed batch is counted per message, not retried.
 */
export class BatchingSender {
  private queue: Queued[] = [];
  private running = false;

  constructor(
    private readonly producer: MessageProducer,
    private readonly recorder: Recorder,
    private readonly batchSize = 500,
  ) {}

  enqueue(endpoint: string, message: OutgoingMessage): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ endpoint, message, enqueued: performance.now(), done: resolve });
      if (!this.running) {
        this.running = true;
        void this.flush();
      }
    });
  }

  /** Resolves once everything enqueued so far is acknowledged (or counted as failed). */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private async flush(): Promise<void> {
    try {
      await new Promise((r) => setImmediate(r)); // let concurrent callers fill the batch
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.batchSize);
        let error: string | undefined;
        try {
          await this.producer.send(batch.map((q) => q.message));
        } catch (err) {
          error = (err as Error).message;
        }
        const now = performance.now();
        for (const q of batch) {
          this.recorder.record(q.endpoint, now - q.enqueued, !error, error);
          q.done();
        }
      }
    } finally {
      // Synchronously after the last check of the queue: a caller woken by done() starts a new flush.
      this.running = false;
    }
  }
}

/**
 * Kafka mode: homeserver events on `hs.events` (key = user id, room id for room encryption) and
 * key commands on `e2ee.commands` (key = user id, `type` header, explicit murmur2 partition); the
 * command-processor decides them.
 */
export class KafkaSink implements Sink {
  private readonly forms: KafkaForms;
  private readonly sender: BatchingSender;

  constructor(
    producer: MessageProducer,
    private readonly topics: TopicNames,
    keys: KeyMaterial,
    private readonly recorder: Recorder,
    runId: string,
    batchSize = 500,
  ) {
    this.forms = new KafkaForms(keys, runId);
    this.sender = new BatchingSender(producer, recorder, batchSize);
  }

  perform(op: Operation): Promise<void> {
    const form = this.forms.of(op);
    if (!form) {
      this.recorder.skip(op.kind);
      return Promise.resolve();
    }
    const sent = form.homeserver.map((e) =>
      this.sender.enqueue('hs.events', { topic: this.topics.homeserver, key: e.type === 'room.encryption' ? e.room_id : e.user_id, value: encodeMessage(e) }),
    );
    if (form.command) {
      const { endpoint, command } = form.command;
      sent.push(
        this.sender.enqueue(endpoint, { topic: this.topics.commands, key: command.key, value: encodeMessage(command), headers: { type: command.type } }),
      );
    }
    return Promise.all(sent).then(() => undefined);
  }

  close(): Promise<void> {
    return this.sender.close();
  }
}
