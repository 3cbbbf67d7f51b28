import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { ConsumedMessage, toConsumedMessage } from './batch-consumer';
import { TopicAdmin } from './topic-admin';

/** Port: reads partitions of a topic from given offsets up to their ends as they were when asked. */
export interface PartitionReader {
  read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void>;
  readRange(topic: string, from: ReadonlyMap<number, string>, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<Map<number, string>>;
}

/**
 * kafkajs has no manual partition assignment, so a private consumer group is used: right after
 * `run` it seeks the wanted partitions to their start and every other one to its end (seeks made
 * before the first fetch apply to it), reads until the end offsets captured at the start, and the
 * group is deleted afterwards. (kafkajs' admin.setOffsets would cost a 5 s idle fetch per call.)
 */
export class KafkaPartitionReader implements PartitionReader {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: TopicAdmin,
    private readonly groupPrefix: string,
    private readonly options: { readonly sessionTimeout?: number } = {},
  ) {}

  async read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
    await this.readRange(topic, new Map([[partition, fromOffset]]), onMessages);
  }

  /** Returns the end offsets it read up to (exclusive), per partition. */
  async readRange(topic: string, from: ReadonlyMap<number, string>, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<Map<number, string>> {
    const ends = await this.admin.endOffsets(topic);
    const remaining = new Map<number, bigint>();
    for (const [partition, offset] of from) {
      const end = BigInt(ends.get(partition) ?? '0');
      if (BigInt(offset) < end) remaining.set(partition, end);
    }
    if (remaining.size === 0) return ends;
    const groupId = `${this.groupPrefix}.reader.${randomUUID()}`;
    // Where each partition goes on from: the wanted start, or the end for partitions not wanted.
    const next = new Map<number, bigint>([...ends].map(([partition, end]) => [partition, BigInt(end)]));
    for (const partition of remaining.keys()) next.set(partition, BigInt(from.get(partition)!));
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.options.sessionTimeout ?? 30000,
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: 4 * 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    const seekAll = () => {
      for (const [partition, offset] of next) consumer.seek({ topic, partition, offset: offset.toString() });
    };
    // A rejoin (a slow batch cost the session) restarts from the beginning, as nothing is
    // committed: seek back to where each partition was, and never hand a message out twice.
    let joins = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (joins++ > 0) seekAll();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            partitionsConsumedConcurrently: 1,
            eachBatch: async ({ batch, heartbeat }) => {
              const end = remaining.get(batch.partition);
              if (end === undefined || batch.messages.length === 0) return;
              const expected = next.get(batch.partition)!;
              const messages = batch.messages
                .filter((m) => BigInt(m.offset) >= expected && BigInt(m.offset) < end)
                .map((m) => toConsumedMessage(topic, batch.partition, m));
              const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
              try {
                if (messages.length > 0) await onMessages(messages);
              } catch (err) {
                reject(err);
                return;
              } finally {
                clearInterval(beat);
              }
              const last = BigInt(batch.messages[batch.messages.length - 1].offset);
              if (last + 1n > expected) next.set(batch.partition, last + 1n);
              if (last + 1n >= end) {
                remaining.delete(batch.partition);
                consumer.pause([{ topic, partitions: [batch.partition] }]);
                if (remaining.size === 0) resolve();
              }
            },
          })
          .catch(reject);
        seekAll();
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.admin.deleteGroup(groupId);
    }
    return ends;
  }
}
