import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { collectionName, membersOfRoom, mongoDeviceListDocs } from '@app/read-models';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient } from '../helpers/matrix-client';
import { readEvents } from '../helpers/log-reader';
import { waitForProjection } from '../helpers/wait-for-projection';
import { eventually } from '../helpers/eventually';

/** Memberships from the homeserver, both ways: application-service pushes and hs.events. */
describe('memberships from the homeserver', () => {
  const env = suiteEnv('members', { APPSERVICE_HS_TOKEN: 'hs-secret' });
  const mongo = new MongoClient(env.MONGODB_URI!);
  const system = systemForSuite(env, () => startSystem(env, 1), { after: () => mongo.close() });

  const member = (room: string, user: string, membership: string, eventId: string) => ({
    type: 'm.room.member',
    room_id: room,
    state_key: user,
    sender: user,
    content: { membership },
    event_id: eventId,
    origin_server_ts: 1,
  });
  const push = (txnId: string, events: unknown[], token = 'hs-secret', path = `/_matrix/app/v1/transactions/${txnId}`) =>
    new MatrixClient(system.apis[0].url, token).request('PUT', path, { events });
  async function members(room: string): Promise<string[]> {
    await waitForProjection(env, 'device-lists', 1);
    const members = await membersOfRoom(
      mongoDeviceListDocs(mongo.db(env.MONGODB_DB).collection(collectionName('device-lists', 1))),
      room,
      Number(env.KAFKA_PARTITIONS),
    );
    return [...members].map(([user, membership]) => `${user}:${membership}`).sort();
  }
  /** Pushes are acknowledged once in Kafka; deciding and projecting follow: poll, bounded. */
  const membersEventually = (room: string, expected: string[]): Promise<string[]> =>
    eventually(
      () => members(room),
      (seen) => JSON.stringify(seen) === JSON.stringify(expected),
    );

  it('records m.room.member events pushed by the homeserver, once even when a transaction is retried', async () => {
    const events = [
      member('!r1:test.local', '@a:test.local', 'join', '$e1'),
      member('!r1:test.local', '@b:test.local', 'invite', '$e2'),
      { type: 'm.room.message', content: {} },
    ];
    expect(await push('txn1', events)).toMatchObject({ status: 200, body: {} });
    expect(await push('txn1', events)).toMatchObject({ status: 200, body: {} });
    expect(await push('txn2', [member('!r1:test.local', '@b:test.local', 'join', '$e3')], 'hs-secret', '/transactions/txn2')).toMatchObject({ status: 200 });
    expect(await membersEventually('!r1:test.local', ['@a:test.local:join', '@b:test.local:join'])).toEqual(['@a:test.local:join', '@b:test.local:join']);

    // The leave is decided after the retried join of the same user (same partition, log order).
    await push('txn3', [member('!r1:test.local', '@a:test.local', 'leave', '$e4')]);
    expect(await membersEventually('!r1:test.local', ['@b:test.local:join'])).toEqual(['@b:test.local:join']);
    const changes = (await readEvents(env))
      .filter((e) => e.type === 'MembershipChanged')
      .map((e) => `${e.key}:${(e.data as { membership: string }).membership}`);
    expect(changes.sort()).toEqual(['@a:test.local:join', '@a:test.local:leave', '@b:test.local:invite', '@b:test.local:join']);
  });

  it('refuses pushes without the homeserver token (401) or with a wrong one (403), and malformed bodies (400)', async () => {
    expect(await push('t', [], '')).toMatchObject({ status: 401, body: { errcode: 'M_UNAUTHORIZED' } });
    expect(await push('t', [], 'wrong')).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    const bad = await new MatrixClient(system.apis[0].url, 'hs-secret').request('PUT', '/_matrix/app/v1/transactions/t', { events: 'no' });
    expect(bad).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
  });

  it('records memberships published on hs.events the same way', async () => {
    const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
    const producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('members-test', env)), 4);
    await producer.send([
      {
        topic: topics.homeserver,
        key: '@c:test.local',
        value: Buffer.from(
          JSON.stringify({ schema: 'hs.v1', id: '$k1', type: 'membership', room_id: '!r2:test.local', user_id: '@c:test.local', membership: 'join', ts: 1 }),
        ),
      },
    ]);
    await producer.disconnect();
    expect(await membersEventually('!r2:test.local', ['@c:test.local:join'])).toEqual(['@c:test.local:join']);
  });
});
