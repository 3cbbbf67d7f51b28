import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { collectionDigest, collectionName, toDeviceProjection } from '@app/read-models';
import { replayProjection } from '../../apps/cli/src/replay/replay-projection';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { settle } from '../helpers/settle';
import { longPollWaiting } from '../helpers/long-polls';
import { eventually } from '../helpers/eventually';

/** To-device messages over HTTP: /sendToDevice in, the sync extension's `to_device` out. */
describe('to-device messages', () => {
  const env = suiteEnv('to-device');
  const system = systemForSuite(env, () => startSystem(env, 2));
  let seq = 0;

  const as = (user: string, device: string, instance = 0) => new MatrixClient(system.apis[instance].url, tokenFor(user, device));
  async function device(user: string, id: string): Promise<MatrixClient> {
    const client = as(user, id);
    expect((await client.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(user, id)) })).status).toBe(200);
    return client;
  }
  const send = (from: MatrixClient, messages: Record<string, Record<string, unknown>>, txnId = `t${++seq}`, type = 'org.example.test') =>
    from.request('PUT', `/_matrix/client/v3/sendToDevice/${type}/${txnId}`, { messages });
  const sync = async (client: MatrixClient, since?: string, timeout?: number) => {
    const query = [since && `since=${since}`, timeout !== undefined && `timeout=${timeout}`].filter(Boolean).join('&');
    const result = await client.request('GET', `/_keyserver/v1/sync${query ? `?${query}` : ''}`);
    expect(result.status).toBe(200);
    return result.body as { next_batch: string; to_device: { events: { sender: string; type: string; content: unknown }[] } };
  };

  it('delivers exactly {sender, type, content}, redelivers until a later since acknowledges, then never again', async () => {
    const alice = await device('@alice:test.local', 'A1');
    const bob = as('@bob:test.local', 'B1');
    const start = await sync(alice);
    expect(start.to_device.events).toEqual([]);
    expect((await send(bob, { '@alice:test.local': { A1: { n: 1, nested: { ok: true } } } })).status).toBe(200);

    const first = await sync(alice, start.next_batch);
    expect(first.to_device.events).toEqual([{ sender: '@bob:test.local', type: 'org.example.test', content: { n: 1, nested: { ok: true } } }]);
    expect((await sync(alice, start.next_batch)).to_device.events).toHaveLength(1); // response lost: asked again with the old token
    const acked = await sync(alice, first.next_batch);
    expect(acked.to_device.events).toEqual([]);
    await settle(env, 'to-device');
    expect((await sync(alice, start.next_batch)).to_device.events).toEqual([]); // acknowledged messages are gone
  });

  it('a retried transaction (same txn id, other API instance) is delivered once; unknown devices are dropped', async () => {
    const carol = await device('@carol:test.local', 'C1');
    const start = await sync(carol);
    const bobOn = (i: number) => as('@bob:test.local', 'B1', i);
    const body = { '@carol:test.local': { C1: { once: true }, UNKNOWN: { never: true } } };
    expect((await send(bobOn(0), body, 'same-txn')).status).toBe(200);
    expect((await send(bobOn(1), body, 'same-txn')).status).toBe(200);
    expect((await send(as('@bob:test.local', 'OTHERDEVICE'), body, 'same-txn')).status).toBe(200); // another device's txn
    const got = await sync(carol, start.next_batch);
    expect(got.to_device.events.map((e) => e.content)).toEqual([{ once: true }, { once: true }]);
  });

  it('* reaches every device the recipient has at send time, in arrival order per device', async () => {
    const d1 = await device('@dave:test.local', 'D1');
    const d2 = await device('@dave:test.local', 'D2');
    const [s1, s2] = [await sync(d1), await sync(d2)];
    const bob = as('@bob:test.local', 'B1');
    for (let i = 0; i < 3; i++) await send(bob, { '@dave:test.local': { '*': { i } } });
    const late = await device('@dave:test.local', 'D3');
    expect((await sync(d1, s1.next_batch)).to_device.events.map((e) => e.content)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect((await sync(d2, s2.next_batch)).to_device.events.map((e) => e.content)).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect((await sync(late)).to_device.events).toEqual([]);
  });

  it('hands out at most 100 per response and the next request returns at once while more remain', async () => {
    const erin = await device('@erin:test.local', 'E1');
    const start = await sync(erin);
    const bob = as('@bob:test.local', 'B1');
    for (let i = 0; i < 150; i++) expect((await send(bob, { '@erin:test.local': { E1: { i } } })).status).toBe(200);
    const first = await sync(erin, start.next_batch, 20_000);
    expect(first.to_device.events.map((e) => (e.content as { i: number }).i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const started = Date.now();
    const second = await sync(erin, first.next_batch, 20_000);
    expect(second.to_device.events.map((e) => (e.content as { i: number }).i)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a waiting long-poll wakes when a message arrives', async () => {
    const frank = await device('@frank:test.local', 'F1');
    const start = await sync(frank);
    const started = Date.now();
    const waiting = sync(frank, start.next_batch, 20_000);
    await longPollWaiting(system.apis[0].url);
    await send(as('@bob:test.local', 'B1'), { '@frank:test.local': { F1: { wake: 1 } } });
    expect((await waiting).to_device.events.map((e) => e.content)).toEqual([{ wake: 1 }]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses messages over 64 KiB (413), remote recipients (400) and malformed bodies (400), storing nothing', async () => {
    const grace = await device('@grace:test.local', 'G1');
    const start = await sync(grace);
    const bob = as('@bob:test.local', 'B1');
    const big = await send(bob, { '@grace:test.local': { G1: { blob: 'x'.repeat(65 * 1024) } } });
    expect(big).toMatchObject({ status: 413, body: { errcode: 'M_TOO_LARGE' } });
    const remote = await send(bob, { '@grace:test.local': { G1: { part: 1 } }, '@someone:elsewhere.org': { X: {} } });
    expect(remote).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });
    for (const body of [null, [], { messages: [] }, { messages: { '@grace:test.local': 'x' } }, { messages: { '@grace:test.local': { G1: 5 } } }]) {
      const result = await bob.request('PUT', `/_matrix/client/v3/sendToDevice/t/bad${++seq}`, body === null ? 'null' : body);
      expect(result.status).toBe(400);
      expect(result.body.errcode).toMatch(/^M_/);
    }
    await settle(env, 'to-device');
    expect((await sync(grace, start.next_batch)).to_device.events).toEqual([]);
  });

  it('a device deleted by the homeserver loses its inbox; its id coming back gets only what is sent to it after', async () => {
    const heidi = await device('@heidi:test.local', 'H1');
    const start = await sync(heidi);
    await send(as('@bob:test.local', 'B1'), { '@heidi:test.local': { H1: { before: 'deletion' } } });
    const producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('to-device-test', env)), 4);
    const deletion = { schema: 'hs.v1', id: `$del${++seq}`, type: 'device.deleted', user_id: '@heidi:test.local', device_id: 'H1', ts: 1 };
    await producer.send([{ topic: topicNames(env.KAFKA_TOPIC_PREFIX).homeserver, key: '@heidi:test.local', value: Buffer.from(JSON.stringify(deletion)) }]);
    await producer.disconnect();
    await settle(env, 'to-device');
    const again = await device('@heidi:test.local', 'H1'); // the id comes back as a new device
    expect((await sync(again, start.next_batch)).to_device.events).toEqual([]);
    // Its sequence numbers count from 1 again; the old device's message (also seq 1) stays gone.
    await send(as('@bob:test.local', 'B1'), { '@heidi:test.local': { H1: { after: 'recreation' } } });
    expect((await sync(again, start.next_batch)).to_device.events.map((e) => e.content)).toEqual([{ after: 'recreation' }]);
    expect((await sync(again)).to_device.events.map((e) => e.content)).toEqual([{ after: 'recreation' }]);
  });

  it('loses and repeats nothing while senders and long-polling receivers run concurrently', async () => {
    const receivers = await Promise.all(Array.from({ length: 5 }, (_, i) => device(`@rcv${i}:test.local`, 'R')));
    const got: string[][] = receivers.map(() => []);
    const rounds = receivers.map(() => 0);
    let running = true;
    const loops = receivers.map(async (client, r) => {
      let since: string | undefined;
      while (running) {
        const body = await sync(client, since, since === undefined ? undefined : 1000); // the first sync delivers too
        got[r].push(...body.to_device.events.map((e) => (e.content as { m: string }).m));
        since = body.next_batch;
        rounds[r]++;
      }
    });
    const total = 300;
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          const i = next++;
          const result = await send(as(`@snd${i % 7}:test.local`, 'S', i % 2), { [`@rcv${i % 5}:test.local`]: { R: { m: `m${i}` } } });
          expect(result.status).toBe(200);
        }
      }),
    );
    const deadline = Date.now() + 30_000;
    while (got.flat().length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // To see duplicates: once every message is projected, each receiver syncs twice more (the
    // second of them began after the projection had everything).
    await settle(env, 'to-device');
    const mark = [...rounds];
    await eventually(
      async () => rounds.every((n, r) => n >= mark[r] + 2),
      (done) => done,
    );
    running = false;
    await Promise.all(loops);
    for (let r = 0; r < 5; r++) {
      const expected = Array.from({ length: total }, (_, i) => i)
        .filter((i) => i % 5 === r)
        .map((i) => `m${i}`);
      expect([...got[r]].sort()).toEqual([...expected].sort());
    }
  });

  // The log holds heidi's deletion and the return of her device by now: the replay rebuilds the tombstone too.
  it('a replay rebuilds the same inbox documents, and a client goes on with its token on the new version', async () => {
    const ivan = await device('@ivan:test.local', 'I1');
    const sender = as('@bob:test.local', 'B1');
    const start = await sync(ivan);
    for (let i = 0; i < 20; i++) expect((await send(sender, { '@ivan:test.local': { I1: { n: i } } })).status).toBe(200); // more than one window
    const first = await sync(ivan, start.next_batch);
    expect(first.to_device.events.map((e) => (e.content as { n: number }).n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (let i = 20; i < 23; i++) expect((await send(sender, { '@ivan:test.local': { I1: { n: i } } })).status).toBe(200);
    const second = await sync(ivan, first.next_batch); // acknowledges the first 20, some of a window
    expect(second.to_device.events.map((e) => (e.content as { n: number }).n)).toEqual([20, 21, 22]);
    await settle(env, 'to-device');

    const mongo = new MongoClient(env.MONGODB_URI!);
    const kafka = createKafka(kafkaSettingsFromEnv('to-device-replay', env));
    const admin = new TopicAdmin(kafka);
    try {
      const db = mongo.db(env.MONGODB_DB);
      const report = await replayProjection({ kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) }, toDeviceProjection, () => undefined);
      const live = await collectionDigest(db.collection(collectionName('to-device', 1)));
      expect(live.count).toBeGreaterThan(0);
      expect(await collectionDigest(db.collection(collectionName('to-device', report.version)))).toEqual(live);
      // With a memory of two documents the replay reads the store and writes guarded: the same documents.
      process.env.REPLAY_MEMORY_ENTRIES = '2';
      const guarded = await replayProjection({ kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) }, toDeviceProjection, () => undefined).finally(
        () => delete process.env.REPLAY_MEMORY_ENTRIES,
      );
      expect(await collectionDigest(db.collection(collectionName('to-device', guarded.version)))).toEqual(live);
      // Readers move to the new version within their registry cache time; the token means the same there.
      await new Promise((r) => setTimeout(r, 700));
      expect((await send(sender, { '@ivan:test.local': { I1: { n: 23 } } })).status).toBe(200);
      const third = await sync(ivan, second.next_batch);
      expect(third.to_device.events.map((e) => (e.content as { n: number }).n)).toEqual([23]);
    } finally {
      await admin.disconnect();
      await mongo.close();
    }
  });
});
