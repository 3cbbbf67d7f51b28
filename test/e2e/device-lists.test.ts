import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { collectionDigest, collectionName, deviceListsProjection } from '@app/read-models';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { replayProjection } from '../../apps/cli/src/replay/replay-projection';
import { suiteEnv } from '../helpers/suite-env';
import { RunningApi, cleanUp, startApi, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { settle } from '../helpers/settle';
import { longPollWaiting } from '../helpers/long-polls';
import { eventually } from '../helpers/eventually';

type Changes = { changed: string[]; left: string[] };

/**
 * Who appears in `device_lists.changed` / `left`, over HTTP, with memberships fed by the
 * homeserver both ways (application-service pushes and hs.events).
 */
describe('device lists: /keys/changes and the sync extension', () => {
  const env = suiteEnv('device-lists', { APPSERVICE_HS_TOKEN: 'hs-secret' });
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  let system: Awaited<ReturnType<typeof startSystem>>;
  let encryptedOnly: RunningApi;
  let producer: KafkaKeyedProducer;
  let seq = 0;

  beforeAll(async () => {
    system = await startSystem(env, 1);
    encryptedOnly = await startApi(env, { DEVICE_LISTS_ENCRYPTED_ROOMS_ONLY: 'true' });
    producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('device-lists-test', env)), 4);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await encryptedOnly?.app.close();
    await system?.stop();
    await cleanUp(env);
  });

  const url = () => system.apis[0].url;
  const client = (user: string, device = 'DEV', base = url()) => new MatrixClient(base, tokenFor(user, device));

  /** The homeserver's two ways in: an application-service transaction, or a message on hs.events. */
  const feeds = {
    appservice: async (events: { room: string; user: string; membership?: string; encryption?: boolean }[]) => {
      const body = events.map((e) =>
        e.encryption
          ? {
              type: 'm.room.encryption',
              room_id: e.room,
              state_key: '',
              sender: e.user,
              content: { algorithm: 'm.megolm.v1.aes-sha2' },
              event_id: `$ev${++seq}`,
            }
          : { type: 'm.room.member', room_id: e.room, state_key: e.user, sender: e.user, content: { membership: e.membership }, event_id: `$ev${++seq}` },
      );
      const result = await new MatrixClient(url(), 'hs-secret').request('PUT', `/_matrix/app/v1/transactions/t${++seq}`, { events: body });
      expect(result.status).toBe(200);
    },
    'hs.events': async (events: { room: string; user: string; membership?: string; encryption?: boolean }[]) => {
      await producer.send(
        events.map((e) => {
          const value = e.encryption
            ? { schema: 'hs.v1', id: `$hs${++seq}`, type: 'room.encryption', room_id: e.room, algorithm: 'm.megolm.v1.aes-sha2', ts: 1 }
            : { schema: 'hs.v1', id: `$hs${++seq}`, type: 'membership', room_id: e.room, user_id: e.user, membership: e.membership, ts: 1 };
          return { topic: topics.homeserver, key: e.encryption ? e.room : e.user, value: Buffer.from(JSON.stringify(value)) };
        }),
      );
    },
  };
  const hsDevice = (event: Record<string, unknown>) =>
    producer.send([
      { topic: topics.homeserver, key: String(event.user_id), value: Buffer.from(JSON.stringify({ schema: 'hs.v1', id: `$dev${++seq}`, ts: 1, ...event })) },
    ]);

  async function tokenNow(user: string): Promise<string> {
    const result = await client(user).request('GET', '/_keyserver/v1/sync');
    expect(result.status).toBe(200);
    return result.body.next_batch;
  }
  const changes = async (user: string, from: string, base = url()): Promise<Changes> => {
    const result = await client(user, 'DEV', base).request('GET', `/_matrix/client/v3/keys/changes?from=${encodeURIComponent(from)}`);
    expect(result.status).toBe(200);
    return result.body;
  };
  /** The homeserver's events are decided and projected asynchronously: poll until the answer is the expected one. */
  async function changesEventually(user: string, from: string, expected: Changes, base = url()): Promise<Changes> {
    const seen = await eventually(
      () => changes(user, from, base),
      (answer) => JSON.stringify(answer) === JSON.stringify(expected),
    );
    if (JSON.stringify(seen) === JSON.stringify(expected)) return seen;
    // Slow is not wrong (one CI run on a busy machine took longer than 20 s): once the homeserver
    // ingest, the processor and the projection have provably caught up, the answer must be right.
    await settle(env, 'device-lists', 1, 120_000);
    return changes(user, from, base);
  }
  /**
   * A device exists from its first verified request (issue 15), which is a device-list change of its
   * user: the readers' devices make theirs before the tokens a test compares are taken.
   */
  const known = async (...users: string[]) => {
    for (const user of users) expect((await client(user).request('GET', '/_keyserver/v1/sync')).status).toBe(200);
  };
  const newDevice = (user: string, device: string) => client(user, device).upload({ device_keys: signedDeviceKeys(newDeviceIdentity(user, device)) });

  it('shows a user their own device changes even without any room', async () => {
    const alone = '@alone:test.local';
    const from = await tokenNow(alone);
    expect((await newDevice(alone, 'D1')).status).toBe(200);
    expect(await changes(alone, from)).toEqual({ changed: [alone], left: [] }); // own writes are visible at once
  });

  describe.each(Object.keys(feeds) as (keyof typeof feeds)[])('memberships via %s', (way) => {
    const feed = (events: Parameters<(typeof feeds)['appservice']>[0]) => feeds[way](events);
    const u = (name: string) => `@${name}-${way.replace('.', '')}:test.local`;
    const room = (name: string) => `!${name}-${way.replace('.', '')}:test.local`;

    it('a new device reaches everyone sharing a room and nobody else', async () => {
      const [a, b, c] = [u('a1'), u('b1'), u('c1')];
      await known(a, b, c);
      const beforeJoin = await tokenNow(a);
      await feed([
        { room: room('r1'), user: a, membership: 'join' },
        { room: room('r1'), user: b, membership: 'join' },
        { room: room('other1'), user: c, membership: 'join' },
      ]);
      expect(await changesEventually(a, beforeJoin, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
      await settle(env, 'device-lists');
      const afterJoin = await tokenNow(a);
      expect((await newDevice(b, 'NEW')).status).toBe(200);
      expect(await changesEventually(a, afterJoin, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
      expect(await changes(c, afterJoin)).toEqual({ changed: [], left: [] });
    });

    it('join, leave, change keys while away, rejoin: changed, left, changed', async () => {
      const [a, b] = [u('a2'), u('b2')];
      await known(a, b);
      await feed([{ room: room('r2'), user: a, membership: 'join' }]);
      await settle(env, 'device-lists');
      const beforeJoin = await tokenNow(a);
      await feed([{ room: room('r2'), user: b, membership: 'join' }]);
      expect(await changesEventually(a, beforeJoin, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
      expect(await changesEventually(b, beforeJoin, { changed: [a], left: [] })).toEqual({ changed: [a], left: [] });

      const beforeLeave = await tokenNow(a);
      await feed([{ room: room('r2'), user: b, membership: 'leave' }]);
      expect(await changesEventually(a, beforeLeave, { changed: [], left: [b] })).toEqual({ changed: [], left: [b] });
      expect(await changesEventually(b, beforeLeave, { changed: [], left: [a] })).toEqual({ changed: [], left: [a] });

      const away = await tokenNow(a);
      expect((await newDevice(b, 'AWAY')).status).toBe(200);
      await feed([{ room: room('r2'), user: b, membership: 'join' }]);
      expect(await changesEventually(a, away, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
    });

    it('counts unencrypted rooms by default; with encrypted rooms only, once m.room.encryption arrives', async () => {
      const [a, b] = [u('a3'), u('b3')];
      await known(a, b);
      await feed([
        { room: room('r3'), user: a, membership: 'join' },
        { room: room('r3'), user: b, membership: 'join' },
      ]);
      await settle(env, 'device-lists');
      const from = await tokenNow(a);
      expect(await changes(a, from)).toEqual({ changed: [], left: [] });
      expect((await newDevice(b, 'UNENC')).status).toBe(200);
      expect(await changesEventually(a, from, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
      await settle(env, 'device-lists');
      expect(await changes(a, from, encryptedOnly.url)).toEqual({ changed: [], left: [] });

      await feed([{ room: room('r3'), user: a, encryption: true }]);
      expect(await changesEventually(a, from, { changed: [b], left: [] }, encryptedOnly.url)).toEqual({ changed: [b], left: [] });
    });
  });

  it('a device deleted or renamed by the homeserver puts its owner in changed for room members, and its keys are gone', async () => {
    const [a, b] = ['@a-del:test.local', '@b-del:test.local'];
    await known(a, b);
    await feeds['hs.events']([
      { room: '!del:test.local', user: a, membership: 'join' },
      { room: '!del:test.local', user: b, membership: 'join' },
    ]);
    expect((await newDevice(b, 'GOING')).status).toBe(200);
    await settle(env, 'device-lists');
    const from = await tokenNow(a);
    await hsDevice({ type: 'device.deleted', user_id: b, device_id: 'GOING' });
    expect(await changesEventually(a, from, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
    expect((await client(a).query({ device_keys: { [b]: [] } })).body.device_keys[b]).toEqual({});

    const beforeRename = await tokenNow(a);
    expect((await newDevice(b, 'NAMED')).status).toBe(200);
    const afterUpload = await tokenNow(a);
    await hsDevice({ type: 'device.renamed', user_id: b, device_id: 'NAMED', display_name: 'Phone' });
    expect(await changesEventually(a, afterUpload, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
    expect(await changes(b, beforeRename)).toEqual({ changed: [b], left: [] });
  });

  it('answers 400 M_INVALID_PARAM for a missing or malformed token, 401 without an access token', async () => {
    const c = client('@v:test.local');
    for (const query of ['', '?from=', '?from=s123_456', '?from=k1_zz-', `?from=${await tokenNow('@v:test.local')}&to=nope`]) {
      const result = await c.request('GET', `/_matrix/client/v3/keys/changes${query}`);
      expect(result).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });
      expect(typeof result.body.error).toBe('string');
    }
    for (const query of ['?since=garbage', '?timeout=-5', '?timeout=soon']) {
      expect(await c.request('GET', `/_keyserver/v1/sync${query}`)).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });
    }
    expect(await new MatrixClient(url()).request('GET', '/_keyserver/v1/sync')).toMatchObject({ status: 401, body: { errcode: 'M_MISSING_TOKEN' } });
  });

  it('sync extension: counts always, device_lists only with since, and a long-poll wakes on a relevant change only', async () => {
    const [a, b, stranger] = ['@a-sync:test.local', '@b-sync:test.local', '@s-sync:test.local'];
    const first = await client(a).request('GET', '/_keyserver/v1/sync');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      next_batch: expect.any(String),
      to_device: { events: [] },
      device_one_time_keys_count: { signed_curve25519: 0 },
      device_unused_fallback_key_types: [],
    });

    await known(b, stranger);
    // WAKE exists before the wait (its first request), so uploading its keys is one change, not two.
    expect((await client(b, 'WAKE').request('GET', '/_keyserver/v1/sync')).status).toBe(200);
    await feeds.appservice([
      { room: '!sync:test.local', user: a, membership: 'join' },
      { room: '!sync:test.local', user: b, membership: 'join' },
    ]);
    await settle(env, 'device-lists');
    const since = await tokenNow(a);

    // Nothing relevant: a stranger's change does not end the wait; the long-poll times out empty.
    const idle = client(a).request('GET', `/_keyserver/v1/sync?since=${since}&timeout=1500`);
    await newDevice(stranger, 'S1');
    const quiet = await idle;
    expect(quiet.status).toBe(200);
    expect(quiet.body.device_lists).toEqual({ changed: [], left: [] });

    // A room member's new device ends it long before its 20 s timeout.
    const started = Date.now();
    const waiting = client(a).request('GET', `/_keyserver/v1/sync?since=${quiet.body.next_batch}&timeout=20000`);
    await longPollWaiting(url());
    await newDevice(b, 'WAKE');
    const woken = await waiting;
    expect(woken.body.device_lists).toEqual({ changed: [b], left: [] });
    expect(Date.now() - started).toBeLessThan(15_000);
    const again = await client(a).request('GET', `/_keyserver/v1/sync?since=${woken.body.next_batch}`);
    expect(again.body.device_lists).toEqual({ changed: [], left: [] });
  });

  it('a token from before a replay of the device-lists projection still works after it', async () => {
    const [a, b] = ['@a-replay:test.local', '@b-replay:test.local'];
    await feeds['hs.events']([
      { room: '!replay:test.local', user: a, membership: 'join' },
      { room: '!replay:test.local', user: b, membership: 'join' },
    ]);
    await settle(env, 'device-lists');
    const old = await tokenNow(a);
    expect((await newDevice(b, 'PRE')).status).toBe(200);
    const before = await changesEventually(a, old, { changed: [b], left: [] });
    expect(before).toEqual({ changed: [b], left: [] });

    const mongo = new MongoClient(env.MONGODB_URI!);
    const kafka = createKafka(kafkaSettingsFromEnv('device-lists-replay', env));
    const admin = new TopicAdmin(kafka);
    try {
      const db = mongo.db(env.MONGODB_DB);
      const report = await replayProjection({ kafka, admin, db, topics }, deviceListsProjection, () => undefined);
      expect(await collectionDigest(db.collection(collectionName('device-lists', report.version)))).toEqual(
        await collectionDigest(db.collection(collectionName('device-lists', 1))),
      );
      // Readers move to the new version within their registry cache time; the old token means the same.
      await new Promise((r) => setTimeout(r, 700));
      expect(await changes(a, old)).toEqual(before);
      const afterReplay = await tokenNow(a);
      expect((await newDevice(b, 'POST')).status).toBe(200);
      expect(await changesEventually(a, afterReplay, { changed: [b], left: [] })).toEqual({ changed: [b], left: [] });
    } finally {
      await admin.disconnect();
      await mongo.close();
    }
  });
});
