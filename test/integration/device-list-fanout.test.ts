import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { collectionName } from '@app/read-models';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readEvents } from '../helpers/log-reader';
import { settle } from '../helpers/settle';

const MEMBERS = 10_000;

/** A device change by a member of a 10,000-member room writes one row per room of that member. */
describe('device-list fan-out by room', () => {
  const env = suiteEnv('fanout');
  let system: Awaited<ReturnType<typeof startSystem>>;
  const mongo = new MongoClient(env.MONGODB_URI!);

  beforeAll(async () => {
    system = await startSystem(env, 1);
  });
  afterAll(async () => {
    await system?.stop();
    await mongo.close();
    await cleanUp(env);
  });

  it(`writes O(rooms of the user) rows, not O(members), for a user in a ${MEMBERS}-member room`, async () => {
    const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
    const producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('fanout-test', env)), 4);
    const join = (room: string, user: string, id: string) => ({
      topic: topics.homeserver,
      key: user,
      value: Buffer.from(JSON.stringify({ schema: 'hs.v1', id, type: 'membership', room_id: room, user_id: user, membership: 'join', ts: 1 })),
    });
    const changer = '@changer:test.local';
    const watcher = '@member-17:test.local';
    const members = Array.from({ length: MEMBERS }, (_, i) => join('!big:test.local', `@member-${i}:test.local`, `$big${i}`));
    for (let i = 0; i < members.length; i += 1000) await producer.send(members.slice(i, i + 1000));
    await producer.send([join('!big:test.local', changer, '$c1'), join('!small:test.local', changer, '$c2')]);
    await producer.disconnect();
    const fedAt = Date.now();
    await settle(env, 'device-lists', 1, 600_000);
    process.stderr.write(`${MEMBERS} memberships through the pipeline in ${Date.now() - fedAt} ms\n`);

    const from = (await new MatrixClient(system.apis[0].url, tokenFor(watcher, 'W')).request('GET', '/_keyserver/v1/sync')).body.next_batch;
    const upload = await new MatrixClient(system.apis[0].url, tokenFor(changer, 'NEW')).upload({ device_keys: signedDeviceKeys(newDeviceIdentity(changer, 'NEW')) });
    expect(upload.status).toBe(200);
    await settle(env, 'device-lists');

    const uploaded = (await readEvents(env)).find((e) => e.type === 'DeviceKeysUploaded' && e.key === changer)!;
    const rows = mongo.db(env.MONGODB_DB).collection(collectionName('device-lists', 1));
    const written = await rows.find({ userId: changer, kind: { $in: ['change', 'own'] } }).toArray();
    expect(uploaded).toBeDefined();
    expect(written.map((r) => `${r.kind}:${r.roomId ?? ''}`).sort()).toEqual(['change:!big:test.local', 'change:!small:test.local', 'own:']);
    expect(await rows.countDocuments({ kind: 'member', roomId: '!big:test.local' })).toBe(MEMBERS + 1);

    const seen = await new MatrixClient(system.apis[0].url, tokenFor(watcher, 'W')).request('GET', `/_matrix/client/v3/keys/changes?from=${from}`);
    expect(seen.body).toEqual({ changed: [changer], left: [] });
  }, 600_000); // 10,000 memberships through the pipeline: minutes on a busy machine
});
