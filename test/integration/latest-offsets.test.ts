import { Kafka } from 'kafkajs';
import { KafkaKeyedProducer, LatestOffsets, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { suiteEnv } from '../helpers/suite-env';

/** The one-request end offsets (latest-offsets.ts) against the real broker, beside kafkajs's own admin call. */
describe('latest offsets', () => {
  const env = suiteEnv('latest');
  const kafka = createKafka(kafkaSettingsFromEnv('latest-test', env));
  const admin = new TopicAdmin(kafka);
  const kafkaAdmin = kafka.admin();
  const topic = `${env.KAFKA_TOPIC_PREFIX}latest`;
  beforeAll(() => kafkaAdmin.connect());
  afterAll(async () => {
    await admin.disconnect();
    await kafkaAdmin.disconnect();
  });

  const byAdmin = async () => new Map((await kafkaAdmin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));

  it('answers what kafkajs admin answers, as messages arrive, without falling back', async () => {
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    const fallbacks: string[] = [];
    const latest = new LatestOffsets(kafka, async (t) => {
      fallbacks.push(t);
      return byAdmin();
    });
    expect(await latest.of(topic)).toEqual(
      new Map([
        [0, '0'],
        [1, '0'],
        [2, '0'],
      ]),
    );
    const producer = new KafkaKeyedProducer(kafka, 3);
    await producer.send(Array.from({ length: 7 }, (_, i) => ({ topic, key: `k${i}`, partition: i % 3, value: Buffer.from(String(i)) })));
    await producer.disconnect();
    expect(await latest.of(topic)).toEqual(
      new Map([
        [0, '3'],
        [1, '2'],
        [2, '2'],
      ]),
    );
    expect(await latest.of(topic)).toEqual(await byAdmin());
    expect(await admin.endOffsets(topic)).toEqual(await byAdmin());
    expect(fallbacks).toEqual([]);
    await latest.disconnect();
  });

  it('falls back to the admin call where the client has no cluster hook (another kafkajs version)', async () => {
    const bare = Object.create(Kafka.prototype) as Kafka; // no own symbol properties
    const latest = new LatestOffsets(bare, async () => new Map([[0, '42']]));
    expect(await latest.of(topic)).toEqual(new Map([[0, '42']]));
  });
});
