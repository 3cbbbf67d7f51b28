import { KafkaKeyedProducer, KafkaPartitionReader, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { suiteEnv } from '../helpers/suite-env';

/** The replay and catch-up reader against the real broker. */
describe('partition reader', () => {
  const env = suiteEnv('reader');
  const kafka = createKafka(kafkaSettingsFromEnv('reader-test', env));
  const admin = new TopicAdmin(kafka);
  const topic = `${env.KAFKA_TOPIC_PREFIX}range`;
  afterAll(() => admin.disconnect());

  it('hands every message of the range out once, in order, even when a batch outlasts the session timeout', async () => {
    await admin.ensureTopics([{ topic, partitions: 2 }]);
    const producer = new KafkaKeyedProducer(kafka, 2);
    // 300 messages of 40 kB per partition: more than one fetch (4 MB per partition) each.
    const filler = 'x'.repeat(40_000);
    for (let round = 0; round < 30; round++) {
      await producer.send(Array.from({ length: 20 }, (_, i) => ({ topic, key: `k${i}`, partition: i % 2, value: Buffer.from(`${round}:${i}:${filler}`) })));
    }
    await producer.disconnect();

    // The broker's shortest session (6 s); the first batch takes twice that.
    const reader = new KafkaPartitionReader(kafka, admin, `${env.KAFKA_TOPIC_PREFIX}reader`, { sessionTimeout: 6000 });
    const seen: string[] = [];
    let slow = true;
    const ends = await reader.readRange(
      topic,
      new Map([
        [0, '0'],
        [1, '50'],
      ]),
      async (messages) => {
        if (slow) {
          slow = false;
          await new Promise((r) => setTimeout(r, 12_000));
        }
        seen.push(...messages.map((m) => `${m.partition}/${m.offset}`));
      },
    );

    expect(ends).toEqual(
      new Map([
        [0, '300'],
        [1, '300'],
      ]),
    );
    const expected = [...Array.from({ length: 300 }, (_, o) => `0/${o}`), ...Array.from({ length: 250 }, (_, o) => `1/${o + 50}`)];
    expect([...seen].sort()).toEqual([...expected].sort());
    for (const partition of [0, 1]) {
      const offsets = seen.filter((s) => s.startsWith(`${partition}/`)).map((s) => Number(s.split('/')[1]));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  }, 60_000);
});
