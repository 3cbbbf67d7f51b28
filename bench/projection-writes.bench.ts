/**
 * What a projection's write costs on the store, by kind of statement, as the collection grows
 * (BENCH_SIZES, default 1,000 and 5,000 documents of ~250 bytes; BENCH_OPS each, default 20):
 * an insert, an upsert by `_id` alone, a replace of a present document under the position guard,
 * one the guard refuses, and an upsert under the guard of a document that is not there (what projections sent for every
 * new document before point-writes.ts). Then the device-lists projection applying
 * BENCH_MEMBERS (default 2,500) memberships of one room in batches of 100, as the live runner does.
 * Run: npm run bench -- projection-writes
 */
import { MongoClient } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { deviceListsProjection } from '@app/read-models';
import { benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const SIZES = (process.env.BENCH_SIZES ?? '1000,5000').split(',').map(Number);
const OPS = Number(process.env.BENCH_OPS ?? 20);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 2_500);

const guard = (offset: number) => ({ $or: [{ '_meta.offset': { $lt: offset } }, { _meta: { $exists: false } }] });

async function main(): Promise<void> {
  const env = benchEnv();
  const mongo = new MongoClient(env.MONGODB_URI!);
  const db = mongo.db(env.MONGODB_DB);
  const results: Record<string, Record<string, number>> = {};
  try {
    const docs = db.collection('docs');
    let filled = 0;
    for (const size of SIZES) {
      const batch = [];
      for (; filled < size; filled++) batch.push({ _id: `d${filled}`, _meta: { partition: 0, offset: 1 }, body: 'x'.repeat(200) });
      for (let i = 0; i < batch.length; i += 1000) await docs.insertMany(batch.slice(i, i + 1000) as never[]);
      const time = async (op: (i: number) => Promise<unknown>): Promise<number> => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < OPS; i++) await op(i);
        return Number(process.hrtime.bigint() - start) / OPS / 1e6;
      };
      let offset = 10;
      results[`${size} documents`] = {
        'insert a new document': await time((i) => docs.insertOne({ _id: `ins${size}-${i}`, _meta: { partition: 0, offset: 5 }, body: 'y' } as never)),
        'upsert a new document by _id alone': await time((i) =>
          docs.replaceOne({ _id: `ups${size}-${i}` } as never, { _meta: { partition: 0, offset: 5 }, body: 'y' }, { upsert: true }),
        ),
        'replace a present document under the guard': await time(() =>
          docs.replaceOne({ _id: `d${size - 1}`, ...guard(++offset) } as never, { _meta: { partition: 0, offset }, body: 'y' }),
        ),
        'replace refused by the guard (redelivery)': await time(() =>
          docs.replaceOne({ _id: `d${size - 1}`, ...guard(2) } as never, { _meta: { partition: 0, offset: 2 }, body: 'y' }),
        ),
        'upsert a new document under the guard': await time((i) =>
          docs.replaceOne({ _id: `grd${size}-${i}`, ...guard(5) } as never, { _meta: { partition: 0, offset: 5 }, body: 'y' }, { upsert: true }),
        ),
      };
      log(`${size}: ${JSON.stringify(results[`${size} documents`])}`);
    }

    const lists = db.collection('device_lists');
    const start = Date.now();
    const batches: number[] = [];
    for (let first = 0; first < MEMBERS; first += 100) {
      const events = Array.from({ length: Math.min(100, MEMBERS - first) }, (_, i) => ({
        event: { type: 'MembershipChanged', data: { userId: `@m${first + i}:bench.local`, roomId: '!big:bench.local', membership: 'join' } },
        partition: 0,
        offset: String(first + i),
      })) as unknown as RecordedEvent[];
      const t = Date.now();
      await deviceListsProjection.apply(lists, events, { db, version: 1, live: true, tuning: { bulkChunk: 8, bucketWriters: 4 } });
      batches.push(Date.now() - t);
    }
    const total = Date.now() - start;
    for (const [label, r] of Object.entries(results)) printTable(`ms per statement, collection of ${label}`, Object.entries(r));
    printTable(`device-lists projection: ${MEMBERS} memberships of one room, batches of 100`, [
      ['total ms', total],
      ['first batch ms', batches[0]],
      ['last batch ms', batches[batches.length - 1]],
      ['memberships/s', (MEMBERS / total) * 1000],
    ]);
    process.stdout.write(`${JSON.stringify({ machine: machine(), ops: OPS, results, deviceLists: { members: MEMBERS, totalMs: total, batches } }, null, 2)}\n`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

runBench(main);
