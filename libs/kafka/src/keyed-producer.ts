import { Kafka, Producer, CompressionTypes } from 'kafkajs';
import { partitionForKey } from './partitioner';
import { SendCoalescer } from './send-coalescer';

export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Record<string, string>;
  /** Defaults to the key's partition. */
  readonly partition?: number;
}

export interface ProducedPosition {
  readonly topic: string;
  readonly partition: number;
  /** Offset of the message, or null when the broker did not say (never for acks=all sends). */
  readonly offset: string | null;
}

/** Port: writes messages durably (acks from all in-sync replicas) and says where they landed. */
export interface MessageProducer {
  send(messages: readonly OutgoingMessage[]): Promise<ProducedPosition[]>;
}

/** Half the broker's default request limit (1 MiB): room for the protocol's own framing. */
const MAX_REQUEST_BYTES = 512 * 1024;
const sizeOf = (m: OutgoingMessage) => m.value.length + m.key.length + 64;

/**
 * Idempotent, acks=all producer. Messages are partitioned by key explicitly so that the
 * partition of a user is computable by anyone (see partitioner.ts).
 */
export class KafkaKeyedProducer implements MessageProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;
  private readonly coalescer = new SendCoalescer<OutgoingMessage, ProducedPosition>((m) => this.sendNow(m), sizeOf, MAX_REQUEST_BYTES);

  /**
   * @param partitions partition count of the keyed topics (e2ee.commands, e2ee.events)
   * @param fixedCounts partition counts of other topics (replies, dead letters)
   */
  constructor(
    kafka: Kafka,
    private readonly partitions: number,
    private readonly fixedCounts: ReadonlyMap<string, number> = new Map(),
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((err) => {
      this.connected = undefined;
      throw err;
    });
    await this.connected;
  }

  async disconnect(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = undefined;
  }

  /** Concurrent calls share requests (see SendCoalescer); each gets the positions of its own messages. */
  async send(messages: readonly OutgoingMessage[]): Promise<ProducedPosition[]> {
    return [...(await this.coalescer.send(messages))];
  }

  private async sendNow(messages: readonly OutgoingMessage[]): Promise<ProducedPosition[]> {
    if (messages.length === 0) return [];
    await this.connect();
    const byTopic = new Map<string, { partition: number; index: number; message: OutgoingMessage }[]>();
    messages.forEach((message, index) => {
      const partition = message.partition ?? partitionForKey(message.key, this.fixedCounts.get(message.topic) ?? this.partitions);
      const list = byTopic.get(message.topic) ?? [];
      list.push({ partition, index, message });
      byTopic.set(message.topic, list);
    });
    const metadata = await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
        topic,
        messages: list.map(({ partition, message }) => ({
          key: message.key,
          value: message.value,
          partition,
          headers: message.headers,
        })),
      })),
    });
    // One record batch per topic-partition: offsets are base offset + position within it.
    const base = new Map(metadata.map((m) => [`${m.topicName}\u0000${m.partition}`, m.baseOffset ?? null]));
    const counters = new Map<string, number>();
    const positions: ProducedPosition[] = new Array(messages.length);
    for (const [topic, list] of byTopic) {
      for (const { partition, index } of list) {
        const slot = `${topic}\u0000${partition}`;
        const seen = counters.get(slot) ?? 0;
        counters.set(slot, seen + 1);
        const baseOffset = base.get(slot);
        positions[index] = { topic, partition, offset: baseOffset == null ? null : (BigInt(baseOffset) + BigInt(seen)).toString() };
      }
    }
    return positions;
  }
}
