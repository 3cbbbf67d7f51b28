import { MongoClient } from 'mongodb';
import { decodeEvent, encodeMessage, topicNames, EventOf } from '@app/contracts';
import { MatrixError } from '@app/matrix';
import { Metrics } from '@app/platform';
import { OneTimeKeysDoc, PROJECTIONS, ProjectionBuckets, deviceDocId } from '@app/read-models';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { CommandGateway } from '../../apps/keys-api/src/command-gateway/command-gateway';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readTopic } from '../helpers/log-reader';
import { waitForProjection } from '../helpers/wait-for-projection';

/** Undecodable messages are moved to e2ee.deadletter and processing goes on behind them. */
describe('dead-letter topic', () => {
  const env = suiteEnv('deadletter');
  const system = systemForSuite(env, () => startSystem(env, 1));

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

  /**
   * Poisons: decodable, but the domain cannot handle them. An UploadKeys without key lists (for a
   * device without keys) makes decide throw; a OneTimeKeysUploaded without keys makes the one-time-keys projection's evolve throw.
   */
  it('dead-letters a command whose decide throws and an event a projection cannot fold; the others go on', async () => {
    const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
    const userId = '@poison:test.local';
    const device = newDeviceIdentity(userId, 'POI1');
    const client = new MatrixClient(system.apis[0].url, tokenFor(userId, 'POI1'));
    const gateway = system.apis[0].app.get(CommandGateway);
    expect((await client.upload({ device_keys: signedDeviceKeys(device) })).status).toBe(200);

    // The poison command among good ones of the same user (so the same partition, often one batch),
    // for a device without keys (for POI1 it would be a plain rejection: its keys differ).
    const poisonCommand = gateway.execute({ type: 'UploadKeys', data: { userId, deviceId: 'POI2' } as never }, 'poison-test').then(
      () => null,
      (err: unknown) => err,
    );
    const good = await Promise.all(['a', 'b', 'c'].map((id) => client.upload({ one_time_keys: signedOneTimeKeys(device, [id]) })));
    expect(good.map((r) => [r.status, r.body])).toEqual(['a', 'b', 'c'].map(() => [200, expect.anything()]));
    const refused = (await poisonCommand) as MatrixError;
    expect(refused).toBeInstanceOf(MatrixError);
    expect({ status: refused.status, body: refused.body() }).toEqual({
      status: 500,
      body: { errcode: 'M_UNKNOWN', error: expect.stringMatching(/could not process/) },
    });

    // The poison event, as the processor would have written it for this user (same partition, same writer).
    const ownEvents = (await readTopic(env, 'events')).filter((m) => m.key === userId).map((m) => decodeEvent(m.value));
    const template = ownEvents[ownEvents.length - 1];
    const poisonEvent: EventOf<'OneTimeKeysUploaded'> = {
      ...template,
      id: 'poison-event',
      type: 'OneTimeKeysUploaded',
      causationId: 'poison-event',
      data: { userId, deviceId: 'POI1' } as never,
    };
    const producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('dlq-poison-test', env)), 4);
    await producer.send([{ topic: topics.events, key: userId, value: encodeMessage(poisonEvent), headers: { type: poisonEvent.type } }]);
    await producer.disconnect();
    expect((await client.upload({ one_time_keys: signedOneTimeKeys(device, ['d']) })).status).toBe(200);

    // The projection went past the poison and applied what came before and after it.
    await waitForProjection(env, 'one-time-keys', 1);
    const mongo = new MongoClient(env.MONGODB_URI!);
    try {
      const buckets = await ProjectionBuckets.forReading<OneTimeKeysDoc>(mongo.db(env.MONGODB_DB), 'one-time-keys', 1);
      const doc = await buckets.of(userId).findOne({ _id: deviceDocId(userId, 'POI1') }); // bucketed by user
      expect(doc?.counts).toEqual([{ algorithm: 'signed_curve25519', count: 4 }]);
    } finally {
      await mongo.close();
    }

    // Each is in e2ee.deadletter once, by the group that could not handle it; both were written
    // before the reply (command) and before the checkpoint past it (event), so no waiting here.
    const dead = await readTopic(env, 'deadLetter');
    const bySource = (source: string) => dead.filter((m) => m.headers['x-dead-letter-source'] === source);
    expect(bySource('decide').map((m) => ({ ...m.headers, value: JSON.parse(m.value!.toString()) }))).toEqual([
      expect.objectContaining({
        'x-consumer-group': `${topics.prefix}e2ee.command-processor`,
        'x-command-type': 'UploadKeys',
        value: expect.objectContaining({ data: { userId, deviceId: 'POI2' } }),
      }),
    ]);
    expect(bySource('evolve').map((m) => m.headers)).toEqual([
      expect.objectContaining({
        'x-consumer-group': `${topics.prefix}e2ee.projector.one-time-keys.v1`,
        'x-projection': 'one-time-keys',
        'x-event-id': 'poison-event',
      }),
    ]);
    expect(
      [...bySource('decide'), ...bySource('evolve')].every(
        (m) => m.headers['x-dead-letter-reason'].length > 0 && m.headers['x-dead-letter-at'].startsWith('at '),
      ),
    ).toBe(true);

    const counted = async (app: typeof system.processor, source: string) =>
      (await app.get(Metrics).deadLettered.get()).values.filter((v) => v.labels.source === source).reduce((n, v) => n + v.value, 0);
    expect(await counted(system.processor, 'decide')).toBe(1);
    expect(await counted(system.projector, 'evolve')).toBe(1);
  });
});
