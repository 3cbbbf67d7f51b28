import { Kafka } from 'kafkajs';
import { topicNames } from '@app/contracts';
import { createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { waitForProjection } from './wait-for-projection';

async function waitForGroup(kafka: Kafka, groupId: string, topic: string, deadline: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const at = new Map(committed.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      const behind = ends.filter((e) => BigInt(e.high) > 0n && (at.get(e.partition) ?? -1n) < BigInt(e.high));
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${groupId} still behind on ${topic}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until everything sent so far has gone all the way through: homeserver events turned into
 * commands, commands decided, and the projection applied the resulting events. For tests that
 * assert that something did NOT happen.
 */
export async function settle(env: NodeJS.ProcessEnv, projection: string, version = 1, timeoutMs = 30_000): Promise<void> {
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafka(kafkaSettingsFromEnv('settle-test', env));
  const deadline = Date.now() + timeoutMs;
  await waitForGroup(kafka, `${topics.prefix}e2ee.hs-ingest`, topics.homeserver, deadline);
  await waitForGroup(kafka, `${topics.prefix}e2ee.command-processor`, topics.commands, deadline);
  await waitForProjection(env, projection, version, Math.max(1, deadline - Date.now()));
}
