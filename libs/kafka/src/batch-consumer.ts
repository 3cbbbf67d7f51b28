import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { BackgroundCommits } from './background-commits';

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/** kafkajs' message as this project's consumers see it: key and headers as strings. */
export function toConsumedMessage(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value,
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v ? v.toString() : ''])),
  };
}

export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
  /** The partition's high watermark when the batch was fetched, for lag metrics. */
  readonly highWatermark: string;
  /** Keeps the group membership alive during long work. */
  heartbeat(): Promise<void>;
}

export interface BatchConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  /** Called with each new assignment (a new group generation) before its first batch. */
  readonly onAssignment?: (assignment: Record<string, number[]>) => void;
  /** Handles one partition's batch; when it resolves, the batch's offsets are committed. */
  readonly handle: (batch: ConsumedBatch) => Promise<void>;
  readonly maxWaitTimeInMs?: number;
  readonly sessionTimeout?: number;
  /** Partitions handled at once (KafkaSettings.partitionsConcurrently). */
  readonly partitionsConcurrently: number;
  /**
   * When handled offsets are committed: `each-batch` before the next batch of the partition
   * (the default), `background` without waiting (BackgroundCommits; the handler must be
   * idempotent), `never` for a private group positioned by the caller at every start.
   */
  readonly commits?: 'each-batch' | 'background' | 'never';
  /** Told when a background commit failed (the offsets are committed again with the next batch). */
  readonly commitFailed?: (err: Error) => void;
}

/**
 * Runs a consumer-group member that hands out whole per-partition batches and commits the
 * offsets only after the handler succeeded. A failing handler makes kafkajs restart the
 * consumer, which re-fetches from the last commit: the handler must be idempotent.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private running = false;
  private readonly background: BackgroundCommits;
  private rejoinTimer?: NodeJS.Timeout;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
  ) {
    this.background = new BackgroundCommits(
      (offsets) => this.consumer.commitOffsets(offsets),
      (err) => options.commitFailed?.(err),
    );
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      // The broker answers a fetch as soon as a message arrives (minBytes 1): the wait only bounds
      // idle polling, which at 20 ms cost a third of a core for an idle system (docs/performance.md).
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
      minBytes: 1,
      sessionTimeout: options.sessionTimeout ?? 10000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 20000,
      allowAutoTopicCreation: false,
      // A crash kafkajs deems non-retriable (a refused commit after the member was dropped, say)
      // would otherwise stop consuming for good while the service looks alive: always rejoin.
      retry: { initialRetryTime: 200, retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5000, restartOnFailure: async () => true },
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      this.background.forget();
      options.onAssignment?.(event.payload.memberAssignment as Record<string, number[]>);
    });
    // kafkajs asks `restartOnFailure` about retriable crashes only. After a non-retriable one (the
    // member was dropped, e.g. by a pause longer than the session timeout, and its next commit or
    // heartbeat refused with UNKNOWN_MEMBER_ID) it has disconnected the consumer and leaves it
    // stopped for good while the process looks alive (found by the chaos run: hs-ingest stopped
    // after a SIGSTOP of the command-processor). Join again.
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart || !this.running) return;
      this.rejoinLater(1000);
    });
  }

  async start(): Promise<void> {
    this.running = true;
    try {
      await this.join();
    } catch (err) {
      this.running = false;
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.rejoinTimer);
    await this.background.settled();
    await this.consumer.disconnect();
  }

  private async join(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private rejoinLater(delayMs: number): void {
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = setTimeout(() => {
      if (!this.running) return;
      this.join().then(
        () => {
          if (!this.running) void this.consumer.disconnect().catch(() => undefined); // stopped meanwhile
        },
        () => this.running && this.rejoinLater(5000),
      );
    }, delayMs);
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const messages = batch.messages.map((m) => toConsumedMessage(batch.topic, batch.partition, m));
    // A batch can outlast the session timeout on a slow store; without heartbeats the member is
    // dropped, its commit refused, and kafkajs stops the consumer for good (a non-retriable crash).
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    try {
      await this.options.handle({ topic: batch.topic, partition: batch.partition, messages, highWatermark: batch.highWatermark, heartbeat });
    } finally {
      clearInterval(beat);
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    const next = { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() };
    const commits = this.options.commits ?? 'each-batch';
    if (commits === 'each-batch') await this.consumer.commitOffsets([next]);
    else if (commits === 'background') this.background.handled(next);
  }
}
