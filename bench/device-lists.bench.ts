/**
 * Device-list benchmark, printed from one run on one machine:
 * - rows written per device change for users in 1 and in 3 rooms of 10,000 members (fan-out by
 *   room), beside what fan-out by member would write;
 * - /keys/changes and sync-extension (with `since`) p50/p99 for a reader in 100 rooms of 1,000
 *   members, after 200 of those members changed devices;
 * - long-poll wake-up: from a room member's upload being acknowledged to the waiting sync returning.
 * Memberships go in through hs.events and the whole pipeline, as a homeserver would feed them.
 * Run: npm run bench -- device-lists   (BENCH_BIG_MEMBERS, BENCH_ROOMS, BENCH_ROOM_MEMBERS, BENCH_POOL,
 *   BENCH_CHANGES, BENCH_READS, BENCH_WAKES to scale)
 */
import 'reflect-metadata';
import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { DeviceListFeedDoc, collectionName, deviceListFeedName, feedDocId } from '@app/read-models';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { cleanUp, startSystem } from '../test/helpers/system';
import { MatrixClient, tokenFor } from '../test/helpers/matrix-client';
import { settle } from '../test/helpers/settle';
import { drive, summarize } from './lib/stats';
import { benchEnv, machine, runBench } from './lib/bench-env';

const BIG_MEMBERS = Number(process.env.BENCH_BIG_MEMBERS ?? 10_000);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 100);
const ROOM_MEMBERS = Number(process.env.BENCH_ROOM_MEMBERS ?? 1_000);
const POOL = Number(process.env.BENCH_POOL ?? 10_000);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 200);
const READS = Number(process.env.BENCH_READS ?? 40);
const WAKES = Number(process.env.BENCH_WAKES ?? 30);

async function main(): Promise<void> {
  const env = benchEnv();
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const system = await startSystem(env, 1);
  const api = system.apis[0].url;
  const producer = new KafkaKeyedProducer(createKafka(kafkaSettingsFromEnv('bench-feed', env)), 4);
  const mongo = new MongoClient(env.MONGODB_URI!);
  const rows = mongo.db(env.MONGODB_DB).collection(collectionName('device-lists', 1));
  let seq = 0;
  const join = (room: string, user: string) => ({
    topic: topics.homeserver,
    key: user,
    value: Buffer.from(JSON.stringify({ schema: 'hs.v1', id: `$b${++seq}`, type: 'membership', room_id: room, user_id: user, membership: 'join', ts: 1 })),
  });
  async function feed(messages: ReturnType<typeof join>[], label: string): Promise<number> {
    const started = Date.now();
    for (let i = 0; i < messages.length; i += 2000) await producer.send(messages.slice(i, i + 2000));
    await settle(env, 'device-lists', 1, 3_600_000);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`${label}: ${messages.length} memberships through the pipeline in ${seconds.toFixed(1)} s\n`);
    return Math.round(messages.length / seconds);
  }
  const upload = async (user: string, device: string) => {
    const r = await new MatrixClient(api, tokenFor(user, device)).upload({ device_keys: signedDeviceKeys(newDeviceIdentity(user, device)) });
    if (r.status !== 200) throw new Error(`upload ${r.status} ${JSON.stringify(r.body)}`);
  };
  const rowsOf = async (user: string, device: string) => {
    await upload(user, device);
    await settle(env, 'device-lists');
    return rows.countDocuments({ userId: user, kind: { $in: ['change', 'own'] } });
  };

  try {
    // 1. Fan-out: 3 rooms of BIG_MEMBERS members; one changer in 1 room, one in all 3.
    const big = ['!big1:bench.local', '!big2:bench.local', '!big3:bench.local'];
    const bigJoins = big.flatMap((room) => Array.from({ length: BIG_MEMBERS }, (_, i) => join(room, `@m${i}:bench.local`)));
    bigJoins.push(join(big[0], '@one:bench.local'), ...big.map((room) => join(room, '@three:bench.local')));
    const bigRate = await feed(bigJoins, `${big.length} rooms of ${BIG_MEMBERS}`);
    const fanout = {
      'user in 1 room of 10,000': { rowsWritten: await rowsOf('@one:bench.local', 'D'), perMemberFanoutWouldWrite: BIG_MEMBERS + 1 },
      'user in 3 rooms of 10,000': { rowsWritten: await rowsOf('@three:bench.local', 'D'), perMemberFanoutWouldWrite: 3 * (BIG_MEMBERS + 1) },
    };

    // 2. A reader in ROOMS rooms of ROOM_MEMBERS members drawn from a pool of POOL users.
    const reader = '@reader:bench.local';
    const roomJoins: ReturnType<typeof join>[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const room = `!room${r}:bench.local`;
      roomJoins.push(join(room, reader));
      for (let k = 0; k < ROOM_MEMBERS - 1; k++) roomJoins.push(join(room, `@p${(r * 7919 + k * 13) % POOL}:bench.local`));
    }
    const roomRate = await feed(roomJoins, `${ROOMS} rooms of ${ROOM_MEMBERS}`);
    const readerClient = new MatrixClient(api, tokenFor(reader, 'R'));
    const from = (await readerClient.request('GET', '/_keyserver/v1/sync')).body.next_batch as string;
    const changers = Array.from({ length: CHANGES }, (_, i) => `@p${(i * 7919 * 13) % POOL}:bench.local`);
    const changeStarted = Date.now();
    await drive(CHANGES, 8, (i) => upload(changers[i], `C${i}`));
    await settle(env, 'device-lists', 1, 3_600_000);
    process.stderr.write(`${CHANGES} device changes uploaded and projected in ${((Date.now() - changeStarted) / 1000).toFixed(1)} s\n`);
    const collectionSize = await rows.estimatedDocumentCount();

    let changedSeen = 0;
    const keyChanges = await drive(READS, 8, async () => {
      const r = await readerClient.request('GET', `/_matrix/client/v3/keys/changes?from=${from}`);
      if (r.status !== 200) throw new Error(`changes ${r.status} ${JSON.stringify(r.body)}`);
      changedSeen = r.body.changed.length;
    });
    process.stderr.write(`/keys/changes: ${READS} requests done\n`);
    const syncs = await drive(READS, 8, async () => {
      const r = await readerClient.request('GET', `/_keyserver/v1/sync?since=${from}`);
      if (r.status !== 200) throw new Error(`sync ${r.status} ${JSON.stringify(r.body)}`);
    });

    process.stderr.write(`sync extension: ${READS} requests done\n`);
    // 3. Long-poll wake-up: the reader waits; a member uploads a new device.
    const wakes: number[] = [];
    const afterNotice: number[] = [];
    const notices = mongo.db(env.MONGODB_DB).collection<DeviceListFeedDoc>(deviceListFeedName(1));
    for (let i = 0; i < WAKES; i++) {
      const uploader = `@p${(i * 31) % POOL}:bench.local`;
      const since = (await readerClient.request('GET', '/_keyserver/v1/sync')).body.next_batch as string;
      const waiting = readerClient.request('GET', `/_keyserver/v1/sync?since=${since}&timeout=30000`);
      await new Promise((r) => setTimeout(r, 200));
      const sent = Date.now();
      await upload(uploader, `W${i}`);
      const acknowledged = process.hrtime.bigint();
      const result = await waiting;
      const returned = Date.now();
      if (!result.body.device_lists?.changed?.length) throw new Error('long-poll returned without the change');
      wakes.push(Number(process.hrtime.bigint() - acknowledged) / 1e6);
      // The projector's wake-up notice for this change: from its write to the answer is the watcher's share.
      const rings = await Promise.all(Array.from({ length: Number(env.KAFKA_PARTITIONS ?? 8) }, (_, p) => notices.findOne({ _id: feedDocId(p) })));
      const notice = rings.flatMap((r) => r?.notices ?? []).find((n) => n.at >= sent && n.users.includes(uploader));
      if (notice) afterNotice.push(returned - notice.at);
    }

    const report = {
      machine: machine(),
      'fan-out: rows written per device change': fanout,
      'memberships ingested (hs.events -> processor -> projection), per second': {
        '3 rooms of 10,000': bigRate,
        [`${ROOMS} rooms of ${ROOM_MEMBERS}`]: roomRate,
      },
      [`reader in ${ROOMS} rooms of ${ROOM_MEMBERS} members, after ${CHANGES} members changed`]: {
        deviceListRows: collectionSize,
        changedReported: changedSeen,
        '/keys/changes, ms': { ...summarize(keyChanges.latencies), perSecond: keyChanges.perSecond },
        'sync extension with since (no wait), ms': { ...summarize(syncs.latencies), perSecond: syncs.perSecond },
      },
      'long-poll wake-up after an acknowledged upload by a room member, ms': summarize(wakes),
      'of which after the projection wrote its wake-up notice, ms': summarize(afterNotice),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await producer.disconnect();
    await mongo.close();
    await system.stop();
    await cleanUp(env);
  }
}

runBench(main);
