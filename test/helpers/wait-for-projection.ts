import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { checkpointOwner } from '@app/read-models';

/** Waits until a projection version has applied everything in e2ee.events as it is now. */
export async function waitForProjection(env: NodeJS.ProcessEnv, projection: string, version: number, timeoutMs = 30_000): Promise<void> {
  const kafka = createKafka(kafkaSettingsFromEnv('wait-test', env));
  const admin = new TopicAdmin(kafka);
  const mongo = new MongoClient(env.MONGODB_URI!);
  try {
    const ends = await admin.endOffsets(topicNames(env.KAFKA_TOPIC_PREFIX).events);
    const checkpoints = new CheckpointStore(mongo.db(env.MONGODB_DB), ends.size);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = await checkpoints.load(checkpointOwner(projection, version));
      const behind = [...ends].filter(([p, end]) => BigInt(end) > 0n && BigInt(at.get(p) ?? '-1') < BigInt(end) - 1n);
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`${projection} v${version} still behind on partitions ${behind.map(([p]) => p).join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await admin.disconnect();
    await mongo.close();
  }
}
