import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readTopic } from '../helpers/log-reader';

/** Undecodable messages are moved to e2ee.deadletter and processing goes on behind them. */
describe('dead-letter topic', () => {
  const env = suiteEnv('deadletter');
  let system: Awaited<ReturnType<typeof startSystem>>;

  beforeAll(async () => {
    system = await startSystem(env, 1);
  });
  afterAll(async () => {
    await system?.stop();
    await cleanUp(env);
  });

  it('dead-letters a garbage command and a garbage event, and keeps deciding and projecting', async () => {
    const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
    const userId = '@dlq:test.local';
    const kafka = createKafka(kafkaSettingsFromEnv('dlq-test', env));
    const producer = new KafkaKeyedProducer(kafka, 4);
    await producer.send([
      { topic: topics.commands, key: userId, value: Buffer.from('{not json') },
      { topic: topics.events, key: userId, value: Buffer.from(JSON.stringify({ type: 'NoSuchEvent' })) },
    ]);
    await producer.disconnect();

    const keys = signedDeviceKeys(newDeviceIdentity(userId, 'DLQ1'));
    const client = new MatrixClient(system.apis[0].url, tokenFor(userId, 'DLQ1'));
    expect((await client.upload({ device_keys: keys })).status).toBe(200);
    expect((await client.query({ device_keys: { [userId]: [] } })).body.device_keys[userId].DLQ1.keys).toEqual(keys.keys);

    const deadline = Date.now() + 30_000;
    let dead = await readTopic(env, 'deadLetter');
    while (dead.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      dead = await readTopic(env, 'deadLetter');
    }
    const sources = dead.map((m) => m.value!.toString()).sort();
    expect(sources).toEqual(['{"type":"NoSuchEvent"}', '{not json']);
  });
});
