/**
 * Read paths at scale, printed from one run:
 * - POST /keys/query for all members of a 1,000-member room (BENCH_QUERY_MEMBERS);
 * - GET /keys/changes for a reader in 100 rooms (BENCH_READER_ROOMS of BENCH_ROOM_MEMBERS), after
 *   BENCH_CHANGES of those members added a device;
 * - the sync extension's wake-up: the reader long-polls, a member of its rooms adds a device;
 * with BENCH_USERS users holding device keys in the store (x BENCH_SCALE: 10 = 10x the data, the
 * requests stay the same). BENCH_FILL=events (default): the data is decided by the generator's
 * events sink straight into e2ee.events and the read models are built by `replay` before the
 * services start; BENCH_FILL=pipeline: it goes through Kafka (UploadKeys commands, hs.events) and
 * the whole running pipeline. The device changes before /keys/changes always go through the
 * running pipeline, and reads go over HTTP with the read barrier, as clients call them.
 * Run: npm run bench -- read-scale
 */
import 'reflect-metadata';
import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { PROJECTIONS, ProjectionBuckets, ProjectionRegistry, collectionName } from '@app/read-models';
import { replayProjection } from '../apps/cli/src/replay/replay-projection';
import { cleanUp, startSystem } from '../test/helpers/system';
import { MatrixClient, tokenFor } from '../test/helpers/matrix-client';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { settle } from '../test/helpers/settle';
import { drive, summarize } from './lib/stats';
import { SCALE, benchEnv, log, machine, printTable, runBench } from './lib/bench-env';
import { Feed } from './lib/feed';

const USERS = Number(process.env.BENCH_USERS ?? 10_000) * SCALE;
const QUERY_MEMBERS = Number(process.env.BENCH_QUERY_MEMBERS ?? 1_000);
const READER_ROOMS = Number(process.env.BENCH_READER_ROOMS ?? 100);
const ROOM_MEMBERS = Number(process.env.BENCH_ROOM_MEMBERS ?? 10);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const READS = Number(process.env.BENCH_READS ?? 20);
const FILL = process.env.BENCH_FILL ?? 'events';
if (FILL !== 'events' && FILL !== 'pipeline') throw new Error('BENCH_FILL must be events or pipeline');
/** What the read paths measured here read (query: device and cross-signing keys; changes: device lists). */
const REPLAYED = ['device-keys', 'cross-signing-keys', 'device-lists'];

async function main(): Promise<void> {
  const env = benchEnv();
  let system = FILL === 'pipeline' ? await startSystem(env, 1) : undefined;
  const bulk = new Feed(env, FILL === 'events' ? 'events' : 'commands');
  const feed = new Feed(env);
  const mongo = new MongoClient(env.MONGODB_URI!);
  const db = mongo.db(env.MONGODB_DB);
  const registry = new ProjectionRegistry(db);
  const user = (i: number) => `@u${i}:bench.local`;
  try {
    // Data: USERS users with one device each (signed device keys), the room, the reader's rooms.
    let t = Date.now();
    await bulk.send(Array.from({ length: USERS }, (_, i) => feed.upload(user(i), 'D')));
    const big = Array.from({ length: Math.min(QUERY_MEMBERS, USERS) }, (_, i) => user(i));
    const roomOps = [];
    for (let i = 0; i < big.length; i += 500) roomOps.push(feed.joins('!big:bench.local', big.slice(i, i + 500)));
    const reader = '@reader:bench.local';
    const readerRooms = Array.from({ length: READER_ROOMS }, (_, r) => `!r${r}:bench.local`);
    const roomMembers = readerRooms.map((_, r) => Array.from({ length: ROOM_MEMBERS }, (_, k) => user((r * 7919 + k * 104729) % USERS)));
    readerRooms.forEach((room, r) => roomOps.push(feed.joins(room, [reader, ...roomMembers[r]])));
    await bulk.send(roomOps);
    const fedSeconds = (Date.now() - t) / 1000;
    log(
      `fed ${USERS} uploads and ${big.length + READER_ROOMS * (ROOM_MEMBERS + 1)} memberships in ${fedSeconds.toFixed(0)} s (${FILL}); building the read models`,
    );
    const replays: string[] = [];
    if (FILL === 'events') {
      const kafka = createKafka(kafkaSettingsFromEnv('bench-read-scale', env));
      const admin = new TopicAdmin(kafka);
      for (const name of REPLAYED) {
        const report = await replayProjection({ kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) }, PROJECTIONS[name], () => undefined);
        replays.push(`${name} ${report.seconds.toFixed(1)} s`);
        log(`replayed ${name}: ${report.events} events in ${report.seconds.toFixed(1)} s`);
      }
      await admin.disconnect();
      system = await startSystem(env, 1);
    } else {
      await settle(env, 'device-keys', 1, 4 * 3600_000);
      await settle(env, 'device-lists', 1, 4 * 3600_000);
    }
    const ingestSeconds = (Date.now() - t) / 1000;
    log(`projected in ${ingestSeconds.toFixed(0)} s`);
    const api = system!.apis[0].url;

    // /keys/query for every member of the big room.
    const querier = new MatrixClient(api, tokenFor(big[0], 'D'));
    let devicesReturned = 0;
    let responseBytes = 0;
    const queries = await drive(READS, 1, async () => {
      const r = await querier.query({ device_keys: Object.fromEntries(big.map((u) => [u, []])) });
      if (r.status !== 200) throw new Error(`query ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      devicesReturned = Object.values(r.body.device_keys as Record<string, object>).reduce((s, d) => s + Object.keys(d).length, 0);
      responseBytes = JSON.stringify(r.body).length;
    });

    // /keys/changes for the reader in READER_ROOMS rooms after CHANGES members added a device.
    const readerClient = new MatrixClient(api, tokenFor(reader, 'R'));
    const from = (await readerClient.request('GET', '/_keyserver/v1/sync')).body.next_batch as string;
    t = Date.now();
    await feed.send(Array.from({ length: CHANGES }, (_, i) => feed.upload(roomMembers[i % READER_ROOMS][i % ROOM_MEMBERS], `N${i}`)));
    await settle(env, 'device-lists', await registry.active('device-lists'), 3600_000);
    log(`${CHANGES} device changes projected in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    let changed = 0;
    const changes = await drive(READS, 1, async () => {
      const r = await readerClient.request('GET', `/_matrix/client/v3/keys/changes?from=${from}`);
      if (r.status !== 200) throw new Error(`changes ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      changed = r.body.changed.length;
    });
    // The sync extension's wake-up: the reader long-polls; a member of one of its rooms adds a
    // device over HTTP; time from that upload's start until the poll returns naming the member.
    const wakeups: number[] = [];
    let since = (await readerClient.request('GET', '/_keyserver/v1/sync')).body.next_batch as string;
    for (let i = 0; i < READS; i++) {
      const member = roomMembers[i % READER_ROOMS][1 % ROOM_MEMBERS];
      let started = 0;
      const seen = (async () => {
        for (;;) {
          const r = await readerClient.request('GET', `/_keyserver/v1/sync?since=${since}&timeout=30000`);
          if (r.status !== 200) throw new Error(`sync ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
          since = r.body.next_batch as string;
          if (started > 0 && (r.body.device_lists?.changed ?? []).includes(member)) return Date.now() - started;
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 200)); // a bench, not a test: let the poll start waiting
      started = Date.now();
      const upload = await new MatrixClient(api, tokenFor(member, `W${i}`)).upload({ device_keys: signedDeviceKeys(newDeviceIdentity(member, `W${i}`)) });
      if (upload.status !== 200) throw new Error(`upload ${upload.status}`);
      wakeups.push(await seen);
    }
    const deviceDocs = await (await ProjectionBuckets.forReading(db, 'device-keys', await registry.active('device-keys'))).countDocuments();
    const listDocs = await db.collection(collectionName('device-lists', await registry.active('device-lists'))).estimatedDocumentCount();

    const q = summarize(queries.latencies);
    const c = summarize(changes.latencies);
    const w = summarize(wakeups);
    printTable(`Read paths, ${USERS.toLocaleString('en-US')} users in the store (scale ${SCALE}, ${new Date().toISOString().slice(0, 10)})`, [
      ['device-keys documents / device-lists documents', `${deviceDocs.toLocaleString('en-US')} / ${listDocs.toLocaleString('en-US')}`],
      [FILL === 'events' ? 'data decided into e2ee.events, s' : 'data fed through the pipeline, s', Math.round(fedSeconds)],
      [FILL === 'events' ? `  then read models replayed (${replays.join(', ')}), total s` : '  and projected, total s', Math.round(ingestSeconds)],
      [`/keys/query, all ${big.length} members of a room: p50 ms`, q.p50],
      ['  p99 ms (sequential requests)', q.p99],
      ['  devices returned / response bytes', `${devicesReturned} / ${responseBytes.toLocaleString('en-US')}`],
      [`/keys/changes, reader in ${READER_ROOMS} rooms of ${ROOM_MEMBERS + 1}: p50 ms`, c.p50],
      ['  p99 ms (sequential requests)', c.p99],
      ['  users reported changed', changed],
      ['sync extension wake-up, upload -> long-poll answers: p50 ms', w.p50],
      ['  p99 ms (sequential)', w.p99],
    ]);
    process.stdout.write(`${JSON.stringify({ machine: machine(), users: USERS, scale: SCALE, query: q, changes: c, wakeUp: w, reads: READS }, null, 2)}\n`);
  } finally {
    await bulk.close();
    await feed.close();
    await mongo.close();
    await system?.stop();
    await cleanUp(env);
  }
}

runBench(main);
