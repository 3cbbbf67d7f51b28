import { DomainEvent, PartitionFences, decodeEvent, topicNames } from '@app/contracts';
import { ConsumedMessage, KafkaPartitionReader, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';

/** Reads a whole topic of the suite from offset 0 to its current end. */
export async function readTopic(env: NodeJS.ProcessEnv, topic: keyof ReturnType<typeof topicNames>): Promise<ConsumedMessage[]> {
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafka(kafkaSettingsFromEnv('test-reader', env));
  const admin = new TopicAdmin(kafka);
  try {
    const name = topics[topic];
    const partitions = await admin.partitionCount(name);
    const messages: ConsumedMessage[] = [];
    const reader = new KafkaPartitionReader(kafka, admin, `${topics.prefix}test-reader`);
    await reader.readRange(name, new Map(Array.from({ length: partitions }, (_, p) => [p, '0'])), async (batch) => {
      messages.push(...batch);
    });
    return messages;
  } finally {
    await admin.disconnect();
  }
}

/** The events of e2ee.events that stand, as every reader folds them: no fence markers, no fenced writer's void events. */
export async function readEvents(env: NodeJS.ProcessEnv): Promise<DomainEvent[]> {
  const fences = new PartitionFences();
  return (await readTopic(env, 'events')).flatMap((m) => {
    const event = decodeEvent(m.value);
    return fences.stands(m.partition, event, Number(m.offset)) ? [event] : [];
  });
}
