import { MessageProducer, OutgoingMessage } from '@app/kafka';
import { Recorder } from './recorder';

interface Queued {
  readonly endpoint: string;
  readonly message: OutgoingMessage;
  readonly enqueued: number;
  readonly done: () => void;
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
