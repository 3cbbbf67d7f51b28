import { REPLY_PARTITIONS, TopicNames } from '@app/contracts';
import { TopicAdmin, TopicDurability } from '@app/kafka';

/** One command may carry a 10,000-session backup upload (a few MB); the broker default is 1 MB. */
const MAX_MESSAGE_BYTES = String(16 * 1024 * 1024);

/**
 * Creates the topics when missing, each with the configured replication factor and
 * min.insync.replicas (every write is acks=all: it is durable on that many brokers), and refuses
 * to run when e2ee.commands and e2ee.events disagree on partition count: partition p of both must
 * have the same owner. Topics that already exist keep their settings (change them with Kafka's tools).
 */
export async function ensureTopology(admin: TopicAdmin, topics: TopicNames, partitions: number, durability: TopicDurability): Promise<void> {
  const { replicationFactor } = durability;
  const minInsync = { 'min.insync.replicas': String(durability.minInsyncReplicas) };
  await admin.ensureTopics([
    {
      topic: topics.commands,
      partitions,
      replicationFactor,
      config: { 'retention.ms': String(7 * 24 * 3600 * 1000), 'max.message.bytes': MAX_MESSAGE_BYTES, ...minInsync },
    },
    { topic: topics.events, partitions, replicationFactor, config: { 'retention.ms': '-1', 'max.message.bytes': MAX_MESSAGE_BYTES, ...minInsync } },
    { topic: topics.replies, partitions: REPLY_PARTITIONS, replicationFactor, config: { 'retention.ms': String(3600 * 1000), ...minInsync } },
    { topic: topics.deadLetter, partitions: 1, replicationFactor, config: { 'retention.ms': '-1', ...minInsync } },
    { topic: topics.homeserver, partitions, replicationFactor, config: { 'retention.ms': String(7 * 24 * 3600 * 1000), ...minInsync } },
  ]);
  const [commands, events] = await Promise.all([admin.partitionCount(topics.commands), admin.partitionCount(topics.events)]);
  if (commands !== events) {
    throw new Error(`${topics.commands} has ${commands} partitions but ${topics.events} has ${events}: they must match`);
  }
  if (commands !== partitions) {
    throw new Error(`KAFKA_PARTITIONS=${partitions} but the topics have ${commands} partitions: set KAFKA_PARTITIONS=${commands}`);
  }
}

/** Retries an async start-up step until it succeeds, so a service waits out a broker that is still starting. */
export async function retryUntilReady<T>(
  what: string,
  fn: () => Promise<T>,
  log: (msg: string) => void,
  maxMs = 120_000,
  cancelled: () => boolean = () => false,
): Promise<T> {
  const started = Date.now();
  let delay = 200;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() - started > maxMs || cancelled()) throw err;
      log(`${what} not ready yet (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 3000);
    }
  }
}
