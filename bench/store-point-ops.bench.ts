/**
 * Point operations by `_id` on one store collection as it grows: the collection is filled with
 * ~1.5 KB documents (insertMany in chunks) to each of BENCH_SIZES (default 10,000, 100,000,
 * 1,000,000) and at each size BENCH_OPS (default 500) sequential findOne, updateOne ($set),
 * replaceOne (upsert), deleteOne and insertOne by random existing `_id` are timed through the
 * driver. A by-id operation should not depend on the collection's size: the target is the
 * largest size's figure at most 1.5x the smallest's. Ends with the SQLite file sizes (database and
 * write-ahead log) when the store is the local FerretDB of the infra layout.
 * Run: npm run bench -- store-point-ops   (BENCH_SIZES=10000,100000 for a shorter run)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { infraLayout } from '../apps/cli/src/infra/infra-layout';
import { summarize } from './lib/stats';
import { benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const OPS = Number(process.env.BENCH_OPS ?? 500);
const CHUNK = 1_000;
const TARGET_RATIO = 1.5;

interface Doc {
  _id: string;
  owner: string;
  n: number;
  payload: string;
}

// A few random payloads reused: the store does not compress, and generating 1.5 GB of random
// text would make the fill slower than the store.
const PAYLOADS = Array.from({ length: 64 }, () => randomBytes(1_050).toString('base64')); // 1,400 chars
const doc = (i: number, n = 0): Doc => ({ _id: `doc-${i}`, owner: `@u${i % 10_007}:bench.local`, n, payload: PAYLOADS[i % PAYLOADS.length] });
async function timed(call: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await call();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const mb = (path: string): number | 'n/a' => (existsSync(path) ? Math.round((statSync(path).size / 2 ** 20) * 10) / 10 : 'n/a');

async function main(): Promise<void> {
  const env = benchEnv();
  const mongo = new MongoClient(env.MONGODB_URI!);
  const db = mongo.db(env.MONGODB_DB);
  const coll = db.collection<Doc>('points');
  // The SQLite files of this bench's database (FerretDB's SQLite backend: one file per database).
  const dbFile = join(infraLayout().ferretData, `${env.MONGODB_DB}.sqlite`);
  const results: { size: number; fillSeconds: number; dbMB: number | 'n/a'; walMB: number | 'n/a'; ops: Record<string, ReturnType<typeof summarize>> }[] = [];
  try {
    let filled = 0;
    for (const size of SIZES) {
      const t = Date.now();
      while (filled < size) {
        const n = Math.min(CHUNK, size - filled);
        await coll.insertMany(
          Array.from({ length: n }, (_, k) => doc(filled + k)),
          { ordered: false },
        );
        filled += n;
      }
      const fillSeconds = (Date.now() - t) / 1000;
      log(`filled to ${size.toLocaleString('en-US')} documents (${fillSeconds.toFixed(0)} s); timing ${OPS} of each op`);
      const pick = () => Math.floor(Math.random() * size);
      // Each op returns the milliseconds of the call it is named after. All of them leave the same
      // ids in the collection (deleteOne and insertOne come in pairs) so any id can be picked later.
      const ops: Record<string, () => Promise<number>> = {
        findOne: () =>
          timed(async () => {
            if (!(await coll.findOne({ _id: `doc-${pick()}` }))) throw new Error('findOne missed an existing id');
          }),
        updateOne: () =>
          timed(async () => {
            if ((await coll.updateOne({ _id: `doc-${pick()}` }, { $set: { n: Date.now() } })).matchedCount !== 1)
              throw new Error('updateOne missed an existing id');
          }),
        'replaceOne upsert': () => {
          const { _id, ...rest } = doc(pick(), Date.now());
          return timed(() => coll.replaceOne({ _id }, rest, { upsert: true }));
        },
        deleteOne: async () => {
          const i = pick();
          const ms = await timed(async () => {
            if ((await coll.deleteOne({ _id: `doc-${i}` })).deletedCount !== 1) throw new Error('deleteOne missed an existing id');
          });
          await coll.insertOne(doc(i));
          return ms;
        },
        insertOne: async () => {
          const i = pick();
          await coll.deleteOne({ _id: `doc-${i}` });
          return timed(() => coll.insertOne(doc(i)));
        },
      };
      const figures: Record<string, ReturnType<typeof summarize>> = {};
      for (const [name, op] of Object.entries(ops)) {
        for (let k = 0; k < 20; k++) await op(); // warm-up
        const latencies: number[] = [];
        for (let k = 0; k < OPS; k++) latencies.push(await op());
        figures[name] = summarize(latencies);
      }
      results.push({ size, fillSeconds, dbMB: mb(dbFile), walMB: mb(`${dbFile}-wal`), ops: figures });
    }

    // One table: a row per op, a column per size (p50 / p99 / mean ms), then largest vs smallest.
    const first = results[0];
    const last = results[results.length - 1];
    const head = [
      'op (ms: p50 / p99 / mean)',
      ...results.map((r) => r.size.toLocaleString('en-US')),
      `${last.size.toLocaleString('en-US')} vs ${first.size.toLocaleString('en-US')} (p50, mean)`,
    ];
    const rows = Object.keys(first.ops).map((name) => {
      const p50 = last.ops[name].p50 / first.ops[name].p50;
      const mean = last.ops[name].mean / first.ops[name].mean;
      const verdict = Math.max(p50, mean) <= TARGET_RATIO ? 'ok' : `over ${TARGET_RATIO}x`;
      return [
        name,
        ...results.map((r) => `${r.ops[name].p50} / ${r.ops[name].p99} / ${r.ops[name].mean}`),
        `${p50.toFixed(2)}x, ${mean.toFixed(2)}x ${verdict}`,
      ];
    });
    rows.push(['fill (insertMany of 1,000), s', ...results.map((r) => r.fillSeconds.toFixed(1)), '']);
    rows.push(['SQLite db / -wal MB after the ops', ...results.map((r) => `${r.dbMB} / ${r.walMB}`), '']);
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
    const title = `Store point ops by _id, ${OPS} sequential ops per size (${new Date().toISOString().slice(0, 10)})`;
    process.stdout.write(`\n${title}\n${'-'.repeat(title.length)}\n${line(head)}\n${rows.map(line).join('\n')}\n`);
    printTable('SQLite files of the bench database at the end', [
      ['database file', existsSync(dbFile) ? dbFile : `${dbFile} (not found: not the local infra's store?)`],
      ['database MB', mb(dbFile)],
      ['-wal MB', mb(`${dbFile}-wal`)],
    ]);
    process.stdout.write(`${JSON.stringify({ machine: machine(), ops: OPS, results }, null, 2)}\n`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

runBench(main);
