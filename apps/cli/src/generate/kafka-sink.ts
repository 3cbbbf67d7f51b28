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

/**
 * Kafka mode: homeserver events on `hs.events` (the documented hs.v1 contract, key = user id, room
 * id for room encryption) and key commands on `e2ee.commands` in the envelope the keys-api
 * produces (key = user id, `type` header, explicit murmur2 partition), with an empty `replyTo`:
 * the command-processor decides them and nobody waits for a reply. Reads have no Kafka form and
 * are skipped. Messages are sent in batches through the project's keyed producer.
 */
export class KafkaSink implements Sink {
  private queue: Queued[] = [];
  private running = false;
  private seq = 0;

  constructor(
    private readonly producer: MessageProducer,
    private readonly topics: TopicNames,
    private readonly keys: KeyMaterial,
    private readonly recorder: Recorder,
    private readonly runId: string,
    private readonly batchSize = 500,
  ) {}

  perform(op: Operation): Promise<void> {
    switch (op.kind) {
      case 'hs':
        return Promise.all(op.events.map((e) => this.enqueue('hs.events', this.homeserverMessage(e)))).then(() => undefined);
      case 'upload': {
        const body = this.keys.uploadBody(op);
        const deviceKeys = body.device_keys as Record<string, unknown> | undefined;
        const keyList = (map: unknown) => Object.entries((map ?? {}) as Record<string, unknown>).map(([keyName, value]) => ({ keyName, json: canonicalJson(value) }));
        return this.enqueue('command UploadKeys', this.command('UploadKeys', op.userId, {
          userId: op.userId,
          deviceId: op.deviceId,
          deviceKeysJson: deviceKeys ? canonicalJson(deviceKeys) : null,
          oneTimeKeys: keyList(body.one_time_keys),
          fallbackKeys: keyList(body.fallback_keys),
          verifySignatures: true,
        }));
      }
      case 'claim':
        return this.enqueue('command ClaimKeys', this.command('ClaimKeys', op.userId, {
          userId: op.userId,
          claims: [{ deviceId: op.deviceId, algorithm: 'signed_curve25519' }],
          claimedBy: `${op.claimer}|GEN`,
        }));
      case 'query':
      case 'changes':
        this.recorder.skip(op.kind);
        return Promise.resolve();
    }
  }

  /** Resolves once everything enqueued so far is acknowledged (or counted as failed). */
  async close(): Promise<void> {
    while (this.queue.length > 0 || this.running) await new Promise((r) => setTimeout(r, 5));
  }

  private homeserverMessage(event: HomeserverEvent): OutgoingMessage {
    const key = event.type === 'room.encryption' ? event.room_id : event.user_id;
    return { topic: this.topics.homeserver, key, value: encodeMessage(event) };
  }

  private command<T extends RoutedCommand['type']>(type: T, key: string, data: Extract<RoutedCommand, { type: T }>['data']): OutgoingMessage {
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
    };
    return { topic: this.topics.commands, key, value: encodeMessage(command), headers: { type } };
  }

  private enqueue(endpoint: string, message: OutgoingMessage): Promise<void> {
    return new Promise((resolve) => {
      this.queue.push({ endpoint, message, enqueued: performance.now(), done: resolve });
      if (!this.running) {
        this.running = true;
        void this.flush();
      }
    });
  }

  /** Sends batches until the queue is empty; a failed batch is counted per message, not retried. */
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
