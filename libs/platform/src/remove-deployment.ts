import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { createKafka, kafkaSettingsFromEnv } from '@app/kafka';

/**
 * Removes what one deployment (a topic prefix and a database) left behind: its topics, the consumer
 * groups under its prefix (none when the prefix is empty: those may be anyone's) and its database.
 * For test suites and load runs; errors on absent topics or groups are ignored.
 */
export async function removeDeployment(env: NodeJS.ProcessEnv, clientId: string): Promise<void> {
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const admin = createKafka(kafkaSettingsFromEnv(clientId, env)).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topics.commands, topics.events, topics.replies, topics.deadLetter, topics.homeserver] }).catch(() => undefined);
    const groups = topics.prefix ? (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(topics.prefix)) : [];
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  const client = new MongoClient(env.MONGODB_URI!);
  try {
    await client
      .db(env.MONGODB_DB)
      .dropDatabase()
      .catch(() => undefined);
  } finally {
    await client.close();
  }
}
