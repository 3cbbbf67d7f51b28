import { MongoClient } from 'mongodb';
import { decodeEvent, topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { collectionName, membersOfRoom, mongoDeviceListDocs } from '@app/read-models';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readTopic } from '../helpers/log-reader';
import { settle } from '../helpers/settle';

const MEMBERS = 10_000;

/** A device change by a member of a 10,000-member room writes one document per room of that member, and their own. */
describe('device-list fan-out by room', () => {
  const env = suiteEnv('fanout');
  const mongo = new MongoClient(env.MONGODB_URI!);
  const system = systemForSuite(env, () => startSystem(env, 1), { after: () => mongo.close() });

  it(`writes O(rooms of the user) documents, not O(members), for a user in a ${MEMBERS}-member room`, async () => {
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
    // The watcher's device exists from its first request (a change of its own): before the token below.
    await new MatrixClient(system.apis[0].url, tokenFor(watcher, 'W')).request('GET', '/_keyserver/v1/sync');
    const fedAt = Date.now();
    await settle(env, 'device-lists', 1, 600_000);
    process.stderr.write(`${MEMBERS} memberships through the pipeline in ${Date.now() - fedAt} ms\n`);

    const from = (await new MatrixClient(system.apis[0].url, tokenFor(watcher, 'W')).request('GET', '/_keyserver/v1/sync')).body.next_batch;
    const upload = await new MatrixClient(system.apis[0].url, tokenFor(changer, 'NEW')).upload({
      device_keys: signedDeviceKeys(newDeviceIdentity(changer, 'NEW')),
    });
    expect(upload.status).toBe(200);
    await settle(env, 'device-lists');

    const uploaded = (await readTopic(env, 'events')).find((m) => {
      const e = decodeEvent(m.value);
      return e.type === 'DeviceKeysUploaded' && e.key === changer;
    })!;
    const docs = mongo.db(env.MONGODB_DB).collection(collectionName('device-lists', 1));
    const partition = uploaded.partition;
    // The upload changed the changer's own document and one part of each of their two rooms.
    const touched = await docs.find({ '_meta.offset': Number(uploaded.offset), '_meta.partition': partition }).toArray();
    expect(touched.map((d) => String(d._id)).sort()).toEqual([`r|!big:test.local|${partition}`, `r|!small:test.local|${partition}`, `u|${changer}`]);
    const bigRoom = await membersOfRoom(mongoDeviceListDocs(docs), '!big:test.local', Number(env.KAFKA_PARTITIONS));
    expect(bigRoom.size).toBe(MEMBERS + 1);

    const seen = await new MatrixClient(system.apis[0].url, tokenFor(watcher, 'W')).request('GET', `/_matrix/client/v3/keys/changes?from=${from}`);
    expect(seen.body).toEqual({ changed: [changer], left: [] });
  }, 600_000); // 10,000 memberships through the pipeline: minutes on a busy machine
});
