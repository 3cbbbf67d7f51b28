/**
 * Replay benchmark: fill e2ee.events with BENCH_EVENTS events made by the load generator, then, in the same
 * run and against the same broker and store:
 * - replay (rebuild) of projections from offset 0, events/s, as the `replay` CLI does it;
 * - the raw consume rate of e2ee.events (the same partition reader, no work per message);
 * - the raw insertMany rate of the same FerretDB (documents of the events' size, batches of 1,000).
 * Run: npm run bench -- replay   (BENCH_EVENTS=1000000, BENCH_PROJECTIONS=device-lists,device-keys,one-time-keys,
 *   BENCH_SCALE multiplies BENCH_EVENTS; BENCH_EVENTS_PER_USER (30) sets the population's size; BENCH_FILL=events (default: the generator decides with the
 *   processor's own pure decider and writes e2ee.events itself) or pipeline (Kafka mode, decided by a
 *   command-processor in its own process: slower, ~100-300 events/s here); BENCH_COMPARE_UNHELD=1 also replays each
 *   projection writing every batch instead of holding documents back, side by side)
 */
import 'reflect-metadata';
import { MongoClient } from 'mongodb';
import { decodeEvent, topicNames } from '@app/contracts';
import { KafkaPartitionReader, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { PROJECTIONS, ProjectionBuckets } from '@app/read-models';
import { generateLoad } from '../apps/cli/src/generate/generate-load';
import { replayProjection } from '../apps/cli/src/replay/replay-projection';
import { ServiceProcess, cleanUp } from '../test/helpers/system';
import { SCALE, benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000) * SCALE;
const NAMES = (process.env.BENCH_PROJECTIONS ?? 'device-lists,device-keys,one-time-keys').split(',');

/** BENCH_REUSE=<id>: measure an existing `bench.<id>.` log (filled by an earlier, interrupted run) without filling. */
const REUSE = process.env.BENCH_REUSE;
const FILL = process.env.BENCH_FILL ?? 'events';
if (FILL !== 'events' && FILL !== 'pipeline') throw new Error('BENCH_FILL must be events or pipeline');

async function main(): Promise<void> {
  const env = benchEnv(REUSE ? { KAFKA_TOPIC_PREFIX: `bench.${REUSE}.`, MONGODB_DB: `bench_${REUSE}` } : {});
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafka(kafkaSettingsFromEnv('bench-replay', env));
  const admin = new TopicAdmin(kafka);
  const mongo = new MongoClient(env.MONGODB_URI!);
  const db = mongo.db(env.MONGODB_DB);
  // The processor in its own process, so that signing keys for the feed does not starve it.
  const processor = ServiceProcess.processor(env);
  if (!REUSE && FILL === 'pipeline') await processor.start();
  try {
    let fill: Awaited<ReturnType<typeof generateLoad>> | undefined;
    let fillSeconds = NaN;
    if (!REUSE) {
      // 1. Fill the log (no projector running: only the log matters here).
      let inLog = 0;
      const poll = setInterval(() => {
        void admin
          .endOffsets(topics.events)
          .then((ends) => (inLog = [...ends.values()].reduce((s, e) => s + Number(e), 0)))
          .catch(() => undefined);
      }, 1000);
      const users = Math.max(50, Math.round(EVENTS / Number(process.env.BENCH_EVENTS_PER_USER ?? 30)));
      const fillStarted = Date.now();
      fill = await generateLoad(
        {
          mode: FILL === 'events' ? 'events' : 'kafka',
          population: {
            users,
            rooms: Math.max(5, Math.round(users / 20)),
            maxRoomSize: Math.max(10, Math.round(users / 2)),
            zipfExponent: 1,
            whales: 1,
            whaleDevices: Math.min(1000, Math.max(5, Math.round(users / 20))),
            encryptedShare: 0.7,
            serverName: 'bench.local',
          },
          seed: 1,
          setup: true,
          rate: Number(process.env.BENCH_FILL_RATE ?? (FILL === 'events' ? 0 : 300)),
          durationSeconds: Infinity,
          operations: Infinity,
          concurrency: 512,
          oneTimeKeys: 50,
          stormQueriers: 0,
          drainSeconds: 0,
          progress: false,
          until: () => inLog >= EVENTS,
          log,
        },
        env,
      );
      clearInterval(poll);
      // Let the processor decide everything produced, then stop it: the replay should have the machine.
      if (FILL === 'pipeline') {
        const groups = kafka.admin();
        await groups.connect();
        for (;;) {
          const [commands, committed] = await Promise.all([
            admin.endOffsets(topics.commands),
            groups.fetchOffsets({ groupId: `${topics.prefix}e2ee.command-processor`, topics: [topics.commands] }).catch(() => []),
          ]);
          const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
          const behind = [...commands].reduce((s, [p, end]) => s + Math.max(0, Number(end) - Math.max(0, done.get(p) ?? 0)), 0);
          if (behind === 0) break;
          log(`processor: ${behind} commands to decide`);
          await new Promise((r) => setTimeout(r, 2000));
        }
        await groups.disconnect();
        await processor.kill('SIGTERM');
      }
      fillSeconds = (Date.now() - fillStarted) / 1000;
    }
    const ends = await admin.endOffsets(topics.events);
    const events = [...ends.values()].reduce((s, e) => s + Number(e), 0);
    log(`log filled: ${events} events in ${fillSeconds.toFixed(0)} s`);

    // 2. Raw consume rate of the same topic.
    const reader = new KafkaPartitionReader(kafka, admin, `${topics.prefix}bench.raw`);
    const from = new Map([...ends.keys()].map((p) => [p, '0']));
    let consumed = 0;
    let bytes = 0;
    const sample: string[] = [];
    let t0 = process.hrtime.bigint();
    await reader.readRange(topics.events, from, async (messages) => {
      consumed += messages.length;
      for (const m of messages) {
        bytes += m.value?.length ?? 0;
        if (sample.length < 1000) sample.push(m.value!.toString());
      }
    });
    const consumeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    let decoded = 0;
    t0 = process.hrtime.bigint();
    await reader.readRange(topics.events, from, async (messages) => {
      for (const m of messages) if (decodeEvent(m.value)) decoded++;
    });
    const decodeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

    // 3. Raw insertMany rate of the same store: as many documents as events, of the events' size.
    const raw = db.collection('bench_raw_insert');
    t0 = process.hrtime.bigint();
    for (let i = 0; i < events; i += 1000) {
      const docs = Array.from({ length: Math.min(1000, events - i) }, (_, k) => ({
        _id: `e${i + k}` as unknown as never,
        json: sample[(i + k) % sample.length],
      }));
      await raw.insertMany(docs, { ordered: false });
    }
    const insertSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await raw.drop();
    log(
      `raw consume ${Math.round(consumed / consumeSeconds)}/s, consume+decode ${Math.round(decoded / decodeSeconds)}/s, insertMany ${Math.round(events / insertSeconds)} docs/s`,
    );

    // 4. Replays, one projection at a time (BENCH_COMPARE_UNHELD=1: each also writing every batch).
    const replays: [string, number, number, number][] = [];
    const runs = NAMES.flatMap(
      (name) =>
        (process.env.BENCH_COMPARE_UNHELD === '1'
          ? [
              [name, true],
              [name, false],
            ]
          : [[name, true]]) as [string, boolean][],
    );
    for (const [name, holdBack] of runs) {
      const projection = PROJECTIONS[name];
      if (!projection) throw new Error(`unknown projection ${name}`);
      const label = holdBack ? name : `${name} (writing every batch)`;
      let last = Date.now();
      const report = await replayProjection(
        { kafka, admin, db, topics },
        projection,
        (done, total) => {
          if (Date.now() - last > 10_000) {
            last = Date.now();
            log(`replay ${label}: ${done}/${total}`);
          }
        },
        { holdBack },
      );
      const docs = await (await ProjectionBuckets.forReading(db, name, report.version)).countDocuments();
      replays.push([label, report.seconds, Math.round(report.events / report.seconds), docs]);
      log(`replay ${label}: ${report.events} events in ${report.seconds.toFixed(1)} s`);
    }

    printTable(`Replay of ${events.toLocaleString('en-US')} events (${new Date().toISOString().slice(0, 10)})`, [
      ['events in e2ee.events', events],
      ['average event size, bytes', Math.round(bytes / Math.max(consumed, 1))],
      [
        FILL === 'events' ? 'log filled (generator deciding in process -> e2ee.events), s' : 'log filled through the pipeline (generator -> processor), s',
        Math.round(fillSeconds),
      ],
      ['  generator operations (uploads, claims, hs event batches)', (fill?.phases.setup?.operations ?? 0) + (fill?.phases.traffic?.operations ?? 0)],
      ['raw consume of e2ee.events, events/s', Math.round(consumed / consumeSeconds)],
      ['consume + decode (no store), events/s', Math.round(decoded / decodeSeconds)],
      ['raw insertMany into FerretDB (batches of 1,000), docs/s', Math.round(events / insertSeconds)],
      ...replays.flatMap(([name, seconds, rate, docs]): [string, number][] => [
        [`replay ${name}, events/s`, rate],
        [`replay ${name}, s (documents written: ${docs.toLocaleString('en-US')})`, Math.round(seconds * 10) / 10],
      ]),
    ]);
    process.stdout.write(`${JSON.stringify({ machine: machine(), events, population: fill?.population, replays }, null, 2)}\n`);
  } finally {
    await processor.kill('SIGKILL').catch(() => undefined);
    await admin.disconnect();
    await mongo.close();
    await cleanUp(env);
  }
}

runBench(main);
