/**
 * Store commands per client request, end to end: how many reads and writes each kind of request
 * causes in the store, by service (keys-api, command-processor, projector), projection writes
 * included. The input of docs/scaling.md.
 *
 * How: the three services run in this process (test/helpers/system.ts startSystem) with
 * MONGODB_COMMAND_LOG set, so every filtered command (find, update, delete) each service sends is
 * recorded with its source (libs/mongo/src/command-log.ts). That record leaves out inserts, so
 * bench/lib/store-command-tap.ts also listens on the same clients for every command, inserts
 * included, and the run checks that both agree on the filtered ones. Each request kind is run
 * BENCH_K times, one request at a time; after each, the bench waits until the homeserver ingest,
 * the command-processor and every projection's checkpoint are at the end of their topics
 * (bench/lib/settle-all.ts, as test/helpers/settle.ts), then until nothing was sent to the store
 * for BENCH_QUIET_MS (longer than SNAPSHOT_INTERVAL_MS, so the processor's timed snapshot flush of
 * the request's user lands in its window). Everything between the marks before and after is the
 * request's.
 *
 * What the counts mean, honestly:
 * - Requests run one at a time on an otherwise idle system, so nothing is shared: every request
 *   pays its own projection batch (one batch per projection per partition touched, each with its
 *   checkpoint write), its own processor snapshot flush and its own read-barrier polls. Under load
 *   a batch carries many events and a flush many users, so checkpoint writes, snapshot writes and
 *   barrier polls per request fall; the figures are upper bounds for those. Checkpoint reads and
 *   writes are therefore shown in their own columns (they scale with batches and polls, not with
 *   requests; a barrier poll reads one checkpoint document per partition of e2ee.events).
 * - Reads of `projection_versions` (the projector's version poll every second, the keys-api's
 *   version cache) are time-based, not caused by a request: counted apart, never in the table.
 * - Fire-and-forget work after the response (the sync extension's to-device acknowledgement, the
 *   projection writes of a membership push answered once it is in Kafka) is waited for and
 *   counted with the request that caused it. A long-poll's wake-up reads (the device-list watcher)
 *   happen only while someone waits; with timeout=0 no request here waits, so none are counted.
 * - The processor holds every user's state in memory once it has decided a command for them (the
 *   setup decided all users here), so it reads nothing on these paths; a cold user (after a
 *   rebalance or restart) costs one snapshot read more.
 * - Each user is in one room of 10 (the reader in BENCH_K + 1 of them), so device-list fan-out is
 *   that of a user in one room; a device change by a user in R rooms writes R + 1 device-list
 *   documents. The reader's device-list documents are warm in the keys-api's copies by the time
 *   /keys/changes and the syncs run (earlier syncs read them), as they would be for an active user.
 * - SNAPSHOT_INTERVAL_MS is 200 here (default 1,000) only to keep the run short: a lone request's
 *   user is flushed once either way.
 * - Checkpoint and wake-up ring reads grow with the partition count (BENCH_PARTITIONS): each
 *   barrier poll reads every partition's checkpoint of a projection, the sync extension and
 *   /keys/changes read the checkpoint vectors and every partition's device-list ring themselves.
 * Run: npm run bench -- store-ops   (BENCH_K 20, BENCH_QUIET_MS 400, SNAPSHOT_INTERVAL_MS 200,
 *   BENCH_PARTITIONS 8; NODE_OPTIONS=--expose-gc adds the heap cost of the keys-api's copies)
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, MongoClient } from 'mongodb';
import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { cleanUp, startSystem } from '../test/helpers/system';
import { MatrixClient, tokenFor } from '../test/helpers/matrix-client';
import { summarize } from './lib/stats';
import { benchEnv, log, machine, runBench } from './lib/bench-env';
import { Feed } from './lib/feed';
import { SettleAll } from './lib/settle-all';
import { CommandLogFile, READ_COMMANDS, StoreCommandTap, TappedCommand, WRITE_COMMANDS, familyOf } from './lib/store-command-tap';

const K = Number(process.env.BENCH_K ?? 20);
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 400);
const SNAPSHOT_INTERVAL_MS = process.env.SNAPSHOT_INTERVAL_MS ?? '200';
const OTKS = 50;
/** Partitions of e2ee.commands/e2ee.events: barrier polls and device-list rings read one document per partition. */
const PARTITIONS = process.env.BENCH_PARTITIONS ?? '8';
/** With node --expose-gc (NODE_OPTIONS), the heap growth over the cold 100-user queries: what the keys-api's copies of those users cost. */
const gc = (globalThis as { gc?: () => void }).gc;
const heapAfterGc = () => {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
};
const SERVICES = ['keys-api', 'command-processor', 'projector'] as const;
const TIME_BASED = new Set(['projection_versions']);
/** The commands MONGODB_COMMAND_LOG records (libs/mongo/src/command-log.ts FILTERED). */
const LOGGED_COMMANDS = new Set(['find', 'update', 'delete', 'count', 'findAndModify', 'distinct', 'aggregate']);

/** What one request caused. */
interface Sample {
  readonly ms: number;
  readonly commands: TappedCommand[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'store-ops-'));
  const logFile = new CommandLogFile(join(dir, 'commands.jsonl'));
  const env = benchEnv({ MONGODB_COMMAND_LOG: logFile.path, APPSERVICE_HS_TOKEN: 'hs-secret', SNAPSHOT_INTERVAL_MS, KAFKA_PARTITIONS: PARTITIONS });
  const tap = new StoreCommandTap();
  tap.install();
  const server = env.SERVER_NAME!;
  const user = (i: number) => `@p${i}:${server}`;
  const room = (r: number) => `!g${r}:${server}`;
  // Roles in the pool (each user has device D and is in room g<i/10>): uploads p(10i), claims their
  // new devices, memberships p(10i+2), cold single queries p(10i+3), 100-user queries p(10K..110K).
  const poolSize = 110 * K + 200;
  const warm = (j: number) => user(110 * K + j); // warm-up users, never measured
  const reader = `@reader:${server}`;
  const sender = `@sender:${server}`;
  const backupUser = `@backup:${server}`;

  const system = await startSystem(env, 1);
  const settler = new SettleAll(env);
  const feed = new Feed(env);
  const store = new MongoClient(env.MONGODB_URI!); // unmonitored: document sizes at the end
  try {
    const api = system.apis[0].url;
    const as = (userId: string, deviceId: string) => new MatrixClient(api, tokenFor(userId, deviceId, env.AUTH_JWT_SECRET));
    const appservice = new MatrixClient(api, 'hs-secret');
    let t = Date.now();
    log(`setup: ${poolSize} users with device keys, each in a room of 10; the reader in ${K} of those rooms`);
    await feed.send([
      ...Array.from({ length: poolSize }, (_, i) => feed.upload(user(i), 'D')),
      feed.upload(reader, 'R1'),
      feed.upload(sender, 'S1'),
      feed.upload(backupUser, 'B1'),
    ]);
    const rooms = Math.ceil(poolSize / 10);
    await feed.send(
      Array.from({ length: rooms }, (_, r) =>
        feed.joins(
          room(r),
          Array.from({ length: Math.min(10, poolSize - 10 * r) }, (_, k) => user(10 * r + k)),
        ),
      ),
    );
    await feed.send(Array.from({ length: K + 1 }, (_, r) => feed.joins(room(r), [reader])));
    await settler.settle(600_000);
    log(`setup projected in ${((Date.now() - t) / 1000).toFixed(0)} s`);

    // Signing is the client's work: every body is built before any clock starts.
    const ids = Array.from({ length: OTKS }, (_, k) => `AAAAk${k}`);
    const uploadBody = (userId: string, deviceId: string) => {
      const device = newDeviceIdentity(userId, deviceId);
      return { device_keys: signedDeviceKeys(device), one_time_keys: signedOneTimeKeys(device, ids) };
    };
    const uploads = Array.from({ length: K }, (_, i) => uploadBody(user(10 * i), `N${i}`));
    const warmUpload = uploadBody(warm(0), 'N');
    const readerClient = as(reader, 'R1');
    const senderClient = as(sender, 'S1');
    const backupClient = as(backupUser, 'B1');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const ok = async (what: string, p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.body;
    };
    const sessionData = (i: number) => ({
      first_message_index: 0,
      forwarded_count: 0,
      is_verified: true,
      session_data: { ephemeral: 'e'.repeat(43), ciphertext: 'c'.repeat(300 + (i % 7)), mac: 'm'.repeat(11) },
    });
    const toDeviceContent = (i: number) => ({
      algorithm: 'm.olm.v1.curve25519-aes-sha2',
      sender_key: 'k'.repeat(43),
      ciphertext: { ['x'.repeat(43)]: { type: 0, body: `${'b'.repeat(600)}${i}` } },
    });
    const member = (roomId: string, userId: string, n: string) => ({
      type: 'm.room.member',
      room_id: roomId,
      state_key: userId,
      sender: userId,
      content: { membership: 'join' },
      event_id: `$m${n}`,
      origin_server_ts: Date.now(),
    });
    const queryBody = (users: readonly string[]) => ({ device_keys: Object.fromEntries(users.map((u) => [u, []])) });
    const hundred = (i: number) => Array.from({ length: 100 }, (_, j) => user(10 * K + 100 * i + j));
    let txn = 0;

    // The kinds, as requests. Their order matters: the claims take the uploads' keys, the warm
    // queries repeat the cold ones, each sync uses the token of the one before.
    const { version } = await ok(
      'backup version',
      backupClient.request('POST', '/_matrix/client/v3/room_keys/version', {
        algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
        auth_data: { public_key: 'abc' },
      }),
    );
    const backupRoom = encodeURIComponent(`!backup:${server}`);
    const putSession = (i: number | string) =>
      ok('backup', backupClient.request('PUT', `/_matrix/client/v3/room_keys/keys/${backupRoom}/s${i}?version=${version}`, sessionData(Number(i) || 0)));
    const sendTo = (userId: string, deviceId: string, i: number | string) =>
      ok(
        'sendToDevice',
        senderClient.request('PUT', `/_matrix/client/v3/sendToDevice/m.room.encrypted/t${i}`, {
          messages: { [userId]: { [deviceId]: toDeviceContent(Number(i) || 0) } },
        }),
      );
    let syncToken = '';
    const sync = async () => {
      const body = await ok('sync', readerClient.request('GET', `/_keyserver/v1/sync?since=${syncToken}&timeout=0`));
      syncToken = body.next_batch;
      return body;
    };
    const pushJoin = (roomId: string, userId: string) =>
      ok('appservice', appservice.request('PUT', `/_matrix/app/v1/transactions/t${++txn}`, { events: [member(roomId, userId, `${txn}`)] }));

    // Warm-up: one of each kind on users that are never measured (lazy initialisation, version caches).
    t = Date.now();
    syncToken = (await ok('first sync', readerClient.request('GET', '/_keyserver/v1/sync'))).next_batch;
    await ok('warm upload', as(warm(0), 'N').upload(warmUpload));
    await ok('warm claim', readerClient.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [warm(0)]: { N: 'signed_curve25519' } } }));
    await ok('warm query', readerClient.query(queryBody(Array.from({ length: 100 }, (_, j) => warm(1 + j)))));
    await ok('warm changes', readerClient.request('GET', `/_matrix/client/v3/keys/changes?from=${syncToken}`));
    await sendTo(reader, 'R1', 'warm');
    await sync();
    await sync();
    await putSession('warm');
    await pushJoin(room(K + 2), warm(150));
    await settler.settle();
    await new Promise((r) => setTimeout(r, 2 * QUIET_MS));
    log(`warmed up in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    // Idle: what the services send with no request at all.
    const idleSeconds = 3;
    const mark = tap.mark();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const idle = countBy(tap.since(mark), (c) => `${c.source} ${c.command} ${familyOf(c.collection)}`);

    /** Runs one request, then waits until everything it caused is in the store and nothing more comes. */
    const measure = async <T>(op: () => Promise<T>): Promise<{ sample: Sample; result: T }> => {
      await settler.settle();
      const tapFrom = tap.mark();
      const fileFrom = logFile.mark();
      const t0 = process.hrtime.bigint();
      const result = await op();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      for (let round = 0; ; round++) {
        await settler.settle();
        const before = tap.since(tapFrom).filter((c) => !TIME_BASED.has(c.collection)).length;
        await new Promise((r) => setTimeout(r, QUIET_MS));
        await settler.settle();
        if (tap.since(tapFrom).filter((c) => !TIME_BASED.has(c.collection)).length === before || round === 10) break;
      }
      const commands = tap.since(tapFrom);
      crossChecked += crossCheck(commands, logFile.since(fileFrom));
      return { sample: { ms, commands }, result };
    };
    const kinds: { name: string; samples: Sample[] }[] = [];
    let crossChecked = 0;
    const run = async (name: string, op: (i: number) => Promise<unknown>, n = K) => {
      const samples: Sample[] = [];
      for (let i = 0; i < n; i++) samples.push((await measure(() => op(i))).sample);
      kinds.push({ name, samples });
      log(`${name}: ${n} requests, p50 ${summarize(samples.map((s) => s.ms)).p50} ms`);
      return samples;
    };

    const from = (await sync()).next_batch as string;
    await run(`POST /keys/upload: new device, device keys + ${OTKS} OTKs`, (i) => ok('upload', as(user(10 * i), `N${i}`).upload(uploads[i])));
    await settler.settle();
    const to = (await sync()).next_batch as string;
    await run('POST /keys/claim: one key', async (i) => {
      const body = await ok(
        'claim',
        readerClient.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [user(10 * i)]: { [`N${i}`]: 'signed_curve25519' } } }),
      );
      if (Object.keys(body.one_time_keys?.[user(10 * i)]?.[`N${i}`] ?? {}).length !== 1) throw new Error(`claim ${i}: no key`);
    });
    const query = (users: readonly string[]) => async () => {
      const body = await ok('query', readerClient.query(queryBody(users)));
      const found = users.filter((u) => body.device_keys?.[u]?.D).length;
      if (found !== users.length) throw new Error(`query: ${found} of ${users.length} users answered`);
    };
    await run('POST /keys/query: 1 user, cold', (i) => query([user(10 * i + 3)])());
    await run('POST /keys/query: 1 user, warm', (i) => query([user(10 * i + 3)])());
    const heapBefore = gc ? heapAfterGc() : undefined;
    await run('POST /keys/query: 100 users, cold', (i) => query(hundred(i))());
    const cacheHeap = heapBefore === undefined ? undefined : { users: 100 * K, bytesPerUser: Math.round((heapAfterGc() - heapBefore) / (100 * K)) };
    await run('POST /keys/query: 100 users, warm', (i) => query(hundred(i))());
    await run(`GET /keys/changes: reader in ${K + 1} rooms, ${K} changed`, async () => {
      const body = await ok('changes', readerClient.request('GET', `/_matrix/client/v3/keys/changes?from=${from}&to=${to}`));
      if ((body.changed as string[]).length < K) throw new Error(`changes: ${body.changed.length} changed`);
    });
    await run('GET sync extension: since, nothing new', () => sync());
    const sendSamples: Sample[] = [];
    const syncSamples: Sample[] = [];
    for (let i = 0; i < K; i++) {
      sendSamples.push((await measure(() => sendTo(reader, 'R1', i))).sample);
      // Delivers the message just sent and acknowledges the one before (its token covers it).
      syncSamples.push((await measure(() => sync())).sample);
    }
    kinds.push({ name: 'PUT /sendToDevice: one device', samples: sendSamples });
    kinds.push({ name: 'GET sync extension: since, 1 to-device delivered + 1 acked', samples: syncSamples });
    await run('PUT /room_keys/keys: 1 session (backup)', (i) => putSession(i));
    await run('PUT appservice transaction: 1 join', (i) => pushJoin(room((i + 1) % K), user(10 * i + 2)));

    // Document sizes in the store (BSON), per collection family: the storage model's input.
    const db = store.db(env.MONGODB_DB);
    const sizes: Record<string, { documents: number; meanBytes: number; maxBytes: number }> = {};
    for (const { name } of await db.listCollections().toArray()) {
      let documents = 0;
      let bytes = 0;
      let max = 0;
      for await (const doc of db.collection(name).find({}).limit(5000)) {
        const size = BSON.calculateObjectSize(doc);
        documents++;
        bytes += size;
        max = Math.max(max, size);
      }
      const family = familyOf(name);
      const prev = sizes[family] ?? { documents: 0, meanBytes: 0, maxBytes: 0 };
      const total = prev.documents * prev.meanBytes + bytes;
      sizes[family] = {
        documents: prev.documents + documents,
        meanBytes: Math.round(total / Math.max(prev.documents + documents, 1)),
        maxBytes: Math.max(prev.maxBytes, max),
      };
    }

    // The processor keeps every user's state in memory: what one costs there, parsed from its
    // snapshot (`state` is the state's JSON), for a user with 1 device and no one-time keys and
    // one with 2 devices, one of them holding 49 one-time keys (uploaded 50, one claimed).
    const states: Record<string, { snapshotBytes: number; stateJsonBytes: number; heapBytes?: number }> = {};
    for (const [label, id] of [
      ['1 device, no one-time keys', user(1)],
      ['2 devices, 49 one-time keys', user(0)],
    ] as const) {
      for (const { name } of await db.listCollections().toArray()) {
        if (!name.startsWith('processor_user_state')) continue;
        const doc = await db.collection<{ _id: string; state: string }>(name).findOne({ _id: id });
        if (!doc) continue;
        let heapBytes: number | undefined;
        if (gc) {
          const before = heapAfterGc();
          const copies = Array.from({ length: 2000 }, () => JSON.parse(doc.state) as unknown);
          heapBytes = Math.round((heapAfterGc() - before) / copies.length);
        }
        states[label] = { snapshotBytes: BSON.calculateObjectSize(doc), stateJsonBytes: doc.state.length, heapBytes };
      }
    }

    const rows = kinds.map(({ name, samples }) => ({ name, ...figures(samples) }));
    printTables(rows, idle, idleSeconds, sizes, Number(env.KAFKA_PARTITIONS));
    process.stdout.write(
      `MONGODB_COMMAND_LOG and the tap agreed on all ${crossChecked.toLocaleString('en-US')} filtered commands of the measured requests (per source, command and collection)\n`,
    );
    process.stdout.write(
      `Processor user states (snapshot BSON / state JSON / parsed in the heap, bytes): ${Object.entries(states)
        .map(([k, v]) => `${k}: ${v.snapshotBytes} / ${v.stateJsonBytes} / ${v.heapBytes ?? 'n/a (no --expose-gc)'}`)
        .join('; ')}\n`,
    );
    if (cacheHeap)
      process.stdout.write(
        `Heap growth over the cold 100-user queries (copies of ${cacheHeap.users} users' device-keys and cross-signing documents, all services in one process, so rough): ${cacheHeap.bytesPerUser} bytes per user\n\n`,
      );
    process.stdout.write(
      `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), cacheHeap, processorStates: states, settings: { k: K, quietMs: QUIET_MS, snapshotIntervalMs: Number(SNAPSHOT_INTERVAL_MS), partitions: Number(env.KAFKA_PARTITIONS), poolUsers: poolSize, oneTimeKeysPerUpload: OTKS }, kinds: rows, idle: { seconds: idleSeconds, commands: idle }, documentSizes: sizes }, null, 2)}\n`,
    );
  } finally {
    await feed.close().catch(() => undefined);
    await settler.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await system.stop();
    await cleanUp(env);
    rmSync(dir, { recursive: true, force: true });
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** The file record and the tap must agree on the filtered commands (find, update, delete) of each source. */
function crossCheck(tapped: readonly TappedCommand[], logged: readonly { source: string; command: string; collection: string }[]): number {
  const fromTap = countBy(
    tapped.filter((c) => LOGGED_COMMANDS.has(c.command)),
    (c) => `${c.source} ${c.command} ${c.collection}`,
  );
  const fromFile = countBy(logged, (c) => `${c.source} ${c.command} ${c.collection}`);
  const keys = new Set([...Object.keys(fromTap), ...Object.keys(fromFile)]);
  for (const key of keys) {
    if ((fromTap[key] ?? 0) !== (fromFile[key] ?? 0))
      throw new Error(`command log and tap disagree on ${key}: file ${fromFile[key] ?? 0}, tap ${fromTap[key] ?? 0}`);
  }
  return logged.length;
}

type Figures = ReturnType<typeof figures>;

function figures(samples: readonly Sample[]) {
  const n = samples.length;
  const mean = (pick: (c: TappedCommand) => number) =>
    Math.round((samples.reduce((s, x) => s + x.commands.reduce((a, c) => a + pick(c), 0), 0) / n) * 100) / 100;
  const counted = (c: TappedCommand) => !TIME_BASED.has(c.collection);
  const isCheckpoint = (c: TappedCommand) => c.collection === 'checkpoints';
  const reads = (source?: string) => (c: TappedCommand) =>
    counted(c) && !isCheckpoint(c) && READ_COMMANDS.has(c.command) && (!source || c.source === source) ? 1 : 0;
  const writes =
    (source?: string, docs = false) =>
    (c: TappedCommand) =>
      counted(c) && !isCheckpoint(c) && WRITE_COMMANDS.has(c.command) && (!source || c.source === source) ? (docs ? c.statements : 1) : 0;
  const byService = Object.fromEntries(SERVICES.map((s) => [s, { reads: mean(reads(s)), writes: mean(writes(s)), writtenDocuments: mean(writes(s, true)) }]));
  const perRequest: Record<string, number> = {};
  for (const sample of samples)
    for (const c of sample.commands)
      if (counted(c))
        perRequest[`${c.source} ${c.command} ${familyOf(c.collection)}`] =
          (perRequest[`${c.source} ${c.command} ${familyOf(c.collection)}`] ?? 0) + c.statements;
  for (const key of Object.keys(perRequest)) perRequest[key] = Math.round((perRequest[key] / n) * 100) / 100;
  const other = mean((c) => (counted(c) && !READ_COMMANDS.has(c.command) && !WRITE_COMMANDS.has(c.command) ? 1 : 0));
  return {
    requests: n,
    latencyMs: summarize(samples.map((s) => s.ms)),
    reads: mean(reads()),
    writes: mean(writes()),
    writtenDocuments: mean(writes(undefined, true)),
    byService,
    checkpointReads: mean((c) => (isCheckpoint(c) && READ_COMMANDS.has(c.command) ? 1 : 0)),
    checkpointWrites: mean((c) => (isCheckpoint(c) && WRITE_COMMANDS.has(c.command) ? 1 : 0)),
    versionLookups: mean((c) => (TIME_BASED.has(c.collection) ? 1 : 0)),
    otherCommands: other,
    /** Statements per request by (service, command, collection family): documents read or written. */
    detail: perRequest,
  };
}

function printTables(
  rows: ({ name: string } & Figures)[],
  idle: Record<string, number>,
  idleSeconds: number,
  sizes: Record<string, { documents: number; meanBytes: number; maxBytes: number }>,
  partitions: number,
): void {
  const f = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 2 : 1 });
  const w = (s: { writes: number; writtenDocuments: number }) => (s.writes === s.writtenDocuments ? f(s.writes) : `${f(s.writes)} (${f(s.writtenDocuments)})`);
  const out = [
    `Store commands per request (mean of ${rows[0]?.requests ?? 0} sequential requests each; ${partitions} partitions; ${new Date().toISOString().slice(0, 10)})`,
    'reads = find; writes = insert/update/delete commands (documents written in parentheses where a command carries several);',
    'checkpoint reads/writes apart (they scale with batches and barrier polls, not requests); api = keys-api, proc = command-processor, proj = projector',
    '',
    '| request | p50 ms | reads | writes | api r | api w | proc r | proc w | proj r | proj w | checkpoint r | checkpoint w |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const s = r.byService;
      return `| ${r.name} | ${f(r.latencyMs.p50)} | ${f(r.reads)} | ${w(r)} | ${f(s['keys-api'].reads)} | ${w(s['keys-api'])} | ${f(s['command-processor'].reads)} | ${w(s['command-processor'])} | ${f(s.projector.reads)} | ${w(s.projector)} | ${f(r.checkpointReads)} | ${f(r.checkpointWrites)} |`;
    }),
    '',
    `Idle, ${idleSeconds} s with no request: ${
      Object.entries(idle)
        .map(([k, v]) => `${k} x${v}`)
        .join(', ') || 'nothing'
    }`,
    `Time-based version lookups (projection_versions) per request window, excluded above: ${rows.map((r) => f(r.versionLookups)).join(' / ')}`,
    '',
    '| collection family | documents | mean BSON bytes | max |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(sizes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([family, s]) =>
          `| ${family} | ${s.documents.toLocaleString('en-US')} | ${s.meanBytes.toLocaleString('en-US')} | ${s.maxBytes.toLocaleString('en-US')} |`,
      ),
  ];
  process.stdout.write(`\n${out.join('\n')}\n\n`);
}

runBench(main);
