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
  constructor(private readonly kafka: Kafka, private readonly admin: TopicAdmin, private readonly groupPrefix: string) {}

  async read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
    await this.readRange(topic, new Map([[partition, fromOffset]]), onMessages);
  }

  /** Returns the end offsets it read up to (exclusive), per partition. */
  async readRange(
    topic: string,
    from: ReadonlyMap<number, string>,
    onMessages: (messages: ConsumedMessage[]) => Promise<void>,
  ): Promise<Map<number, string>> {
    const ends = await this.admin.endOffsets(topic);
    const remaining = new Map<number, bigint>();
    for (const [partition, offset] of from) {
      const end = BigInt(ends.get(partition) ?? '0');
      if (BigInt(offset) < end) remaining.set(partition, end);
    }
    if (remaining.size === 0) return ends;
    const groupId = `${this.groupPrefix}.reader.${randomUUID()}`;
    const start = new Map(ends);
    for (const partition of remaining.keys()) start.set(partition, from.get(partition)!);
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 50, maxBytesPerPartition: 4 * 1024 * 1024, allowAutoTopicCreation: false });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            partitionsConsumedConcurrently: 1,
            eachBatch: async ({ batch }) => {
              const end = remaining.get(batch.partition);
              if (end === undefined || batch.messages.length === 0) return;
              const messages = batch.messages
                .filter((m) => BigInt(m.offset) < end)
                .map((m) => toConsumedMessage(topic, batch.partition, m));
              try {
                if (messages.length > 0) await onMessages(messages);
              } catch (err) {
                reject(err);
                return;
              }
              const last = BigInt(batch.messages[batch.messages.length - 1].offset);
              if (last + 1n >= end) {
                remaining.delete(batch.partition);
                consumer.pause([{ topic, partitions: [batch.partition] }]);
                if (remaining.size === 0) resolve();
              }
            },
          })
          .catch(reject);
        for (const [partition, offset] of start) consumer.seek({ topic, partition, offset });
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.admin.deleteGroup(groupId);
    }
    return ends;
  }
}
