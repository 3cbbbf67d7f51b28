import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { newDeviceIdentity, signedDeviceKeys, signedFallbackKey, signedOneTimeKeys } from '@app/testing';
import { eventually } from '../helpers/eventually';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readEvents, readTopic } from '../helpers/log-reader';

/** Device changes published by the homeserver on hs.events: display names and deletions. */
describe('homeserver device events (hs.events)', () => {
  const env = suiteEnv('hs-devices');
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  let system: Awaited<ReturnType<typeof startSystem>>;
  let producer: KafkaKeyedProducer;

  beforeAll(async () => {
    system = await startSystem(env, 1);
    producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('hs-test', env)), 4);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await system?.stop();
    await cleanUp(env);
  });

  const publish = (event: Record<string, unknown>) =>
    producer.send([{ topic: topics.homeserver, key: String(event.user_id ?? 'x'), value: Buffer.from(JSON.stringify(event)) }]);

  it('shows the display name the homeserver reports, once per change even when the event is resent', async () => {
    const userId = '@named:test.local';
    const client = new MatrixClient(system.apis[0].url, tokenFor(userId, 'PHONE'));
    const keys = signedDeviceKeys(newDeviceIdentity(userId, 'PHONE'));
    await client.upload({ device_keys: keys });
    const renamed = { schema: 'hs.v1', id: 'ev-rename-1', type: 'device.renamed', user_id: userId, device_id: 'PHONE', display_name: 'Named phone', ts: 1 };
    await publish(renamed);
    await publish(renamed); // the homeserver retries
    const query = () => client.query({ device_keys: { [userId]: [] } });
    const named = await eventually(query, (r) => r.body.device_keys[userId].PHONE?.unsigned?.device_display_name === 'Named phone');
    expect(named.body.device_keys[userId].PHONE).toEqual({ ...keys, unsigned: { device_display_name: 'Named phone' } });
    // The device's first request announced it (a nameless DeviceDisplayNameChanged); the renames are counted.
    const changes = (await readEvents(env)).filter((e) => e.type === 'DeviceDisplayNameChanged' && e.key === userId && e.data.displayName === 'Named phone');
    expect(changes).toHaveLength(1);
  });

  it('keeps the name of a device created before it uploads keys, and lists it only once it has keys', async () => {
    const userId = '@early:test.local';
    await publish({ schema: 'hs.v1', id: 'ev-created-1', type: 'device.created', user_id: userId, device_id: 'NEWDEV', display_name: 'Laptop', ts: 2 });
    const client = new MatrixClient(system.apis[0].url, tokenFor(userId, 'NEWDEV'));
    await eventually(
      async () => (await readEvents(env)).some((e) => e.type === 'DeviceDisplayNameChanged' && e.key === userId),
      (seen) => seen,
    );
    expect((await client.query({ device_keys: { [userId]: [] } })).body.device_keys[userId]).toEqual({});
    await client.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(userId, 'NEWDEV')) });
    expect((await client.query({ device_keys: { [userId]: [] } })).body.device_keys[userId].NEWDEV.unsigned).toEqual({ device_display_name: 'Laptop' });
  });

  it('drops a deleted device with its device keys, one-time keys and fallback key', async () => {
    const userId = '@leaving:test.local';
    const device = newDeviceIdentity(userId, 'OLD');
    const client = new MatrixClient(system.apis[0].url, tokenFor(userId, 'OLD'));
    await client.upload({
      device_keys: signedDeviceKeys(device),
      one_time_keys: signedOneTimeKeys(device, ['a', 'b']),
      fallback_keys: signedFallbackKey(device, 'fb'),
    });
    await publish({ schema: 'hs.v1', id: 'ev-delete-1', type: 'device.deleted', user_id: userId, device_id: 'OLD', ts: 3 });
    const gone = await eventually(
      () => client.query({ device_keys: { [userId]: [] } }),
      (r) => r.body.device_keys[userId].OLD === undefined,
    );
    expect(gone.body.device_keys[userId]).toEqual({});
    const claim = await new MatrixClient(system.apis[0].url, tokenFor('@other:test.local', 'X')).request('POST', '/_matrix/client/v3/keys/claim', {
      one_time_keys: { [userId]: { OLD: 'signed_curve25519' } },
    });
    expect(claim.body.one_time_keys).toEqual({});
    // The id can come back as a new device, with nothing of the old one.
    const fresh = newDeviceIdentity(userId, 'OLD');
    expect((await client.upload({ device_keys: signedDeviceKeys(fresh) })).body).toEqual({ one_time_key_counts: { signed_curve25519: 0 } });
  });

  it('dead-letters a homeserver event it cannot read and goes on', async () => {
    await publish({ schema: 'hs.v99', id: 'x', type: 'device.renamed', user_id: '@a:test.local', device_id: 'D', ts: 1 });
    await publish({ schema: 'hs.v1', id: 'ev-after-garbage', type: 'device.renamed', user_id: '@after:test.local', device_id: 'D', display_name: 'ok', ts: 1 });
    const seen = await eventually(
      async () => (await readEvents(env)).some((e) => e.key === '@after:test.local'),
      (v) => v,
    );
    expect(seen).toBe(true);
    const dead = await readTopic(env, 'deadLetter');
    expect(dead.map((m) => m.headers['x-consumer-group'].replace(topics.prefix, ''))).toContain('e2ee.hs-ingest');
  });
});
