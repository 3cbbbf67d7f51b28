import { topicNames } from '@app/contracts';
import { PROJECTIONS } from '@app/read-models';
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
    const expected = [
      'e2ee.command-processor <- {not json',
      ...Object.keys(PROJECTIONS).map((name) => `e2ee.projector.${name}.v1 <- {"type":"NoSuchEvent"}`),
    ].sort();
    while (dead.length < expected.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      dead = await readTopic(env, 'deadLetter');
    }
    // The garbage command once (by the processor), the garbage event once per projection.
    const records = dead.map((m) => `${m.headers['x-consumer-group'].replace(topics.prefix, '')} <- ${m.value!.toString()}`).sort();
    expect(records).toEqual(expected);
    expect(dead.every((m) => m.headers['x-dead-letter-reason'].length > 0)).toBe(true);
  });
});
