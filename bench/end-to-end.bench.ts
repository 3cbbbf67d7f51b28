/**
 * End-to-end latency from a command to the read model that shows it, at a target rate:
 * UploadKeys commands (a new device's signed device keys each) are produced to e2ee.commands in
 * the keys-api's envelope at BENCH_RATE per second (default 1,000) for BENCH_SECONDS; the
 * command-processor decides them, the projector writes the device-keys projection. A plain
 * consumer of e2ee.events maps each command id to its event's position, and a poller reads the
 * projection's checkpoints every 20 ms: a command is visible once the checkpoint of its event's
 * partition has passed that event (what the read barrier waits for). Reports the achieved rates
 * honestly: sent, decided and projected per second.
 * Run: npm run bench -- end-to-end   (BENCH_RATE, BENCH_SECONDS, BENCH_SCALE multiplies the users already in the store: BENCH_BASE_USERS;
 *   they are decided straight into e2ee.events and their device keys built by `replay` before the services start)
 */
import 'reflect-metadata';
import { MongoClient } from 'mongodb';
import { DomainEvent, decodeEvent, encodeMessage, topicNames } from '@app/contracts';
import { KafkaKeyedProducer, OutgoingMessage, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { ProjectionRegistry, checkpointOwner, deviceKeysProjection } from '@app/read-models';
import { replayProjection } from '../apps/cli/src/replay/replay-projection';
import { canonicalJson } from '@app/matrix';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { LatencyHistogram } from '../apps/cli/src/generate/histogram';
import { cleanUp, startProcessor, startProjector } from '../test/helpers/system';
import { SCALE, benchEnv, log, machine, printTable, runBench } from './lib/bench-env';
import { Feed } from './lib/feed';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BASE_USERS = Number(process.env.BENCH_BASE_USERS ?? 0) * SCALE;
const WAIT_MS = Number(process.env.BENCH_WAIT_MS ?? 600_000);

async function main(): Promise<void> {
  const env = benchEnv();
  const topics = topicNames(env.KAFKA_TOPIC_PREFIX);
  const kafka = createKafka(kafkaSettingsFromEnv('bench-e2e', env));
  if (BASE_USERS > 0) {
    const started = Date.now();
    const feed = new Feed(env, 'events');
    await feed.send(Array.from({ length: BASE_USERS }, (_, i) => feed.upload(`@base${i}:bench.local`, 'D')));
    await feed.close();
    const admin = new TopicAdmin(kafka);
    const base = new MongoClient(env.MONGODB_URI!);
    await replayProjection({ kafka, admin, db: base.db(env.MONGODB_DB), topics }, deviceKeysProjection as never, () => undefined);
    await Promise.all([admin.disconnect(), base.close()]);
    log(`${BASE_USERS} users already in the store (decided and replayed in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const processor = await startProcessor(env);
  const projector = await startProjector(env);
  const producer = new KafkaKeyedProducer(kafka, 8);
  const mongo = new MongoClient(env.MONGODB_URI!);
  const checkpoints = new CheckpointStore(mongo.db(env.MONGODB_DB), kafkaSettingsFromEnv('bench', env).partitions);
  const consumer = kafka.consumer({ groupId: `${topics.prefix}bench.e2e.watch`, maxWaitTimeInMs: 20 });
  try {
    // Commands, built before the clock starts (signing is the client's work, not the server's).
    const total = RATE * SECONDS;
    const commands: OutgoingMessage[] = Array.from({ length: total }, (_, i) => {
      const userId = `@e2e${i}:bench.local`;
      const keys = signedDeviceKeys(newDeviceIdentity(userId, 'D'));
      const command = {
        id: `e2e:${i}`,
        type: 'UploadKeys',
        schemaVersion: 1,
        key: userId,
        time: Date.now(),
        correlationId: 'bench-e2e',
        causationId: null,
        data: { userId, deviceId: 'D', deviceKeysJson: canonicalJson(keys), oneTimeKeys: [], fallbackKeys: [], verifySignatures: true },
        routing: { replyTo: '' },
      };
      return { topic: topics.commands, key: userId, value: encodeMessage(command), headers: { type: 'UploadKeys' } };
    });
    const sentAt = new Float64Array(total);
    const decidedAt = new Float64Array(total);
    const visibleAt = new Float64Array(total);
    const position = new Map<number, { partition: number; offset: bigint; index: number }[]>();
    let decided = 0;
    let visible = 0;

    await consumer.connect();
    await consumer.subscribe({ topics: [topics.events], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          let event: DomainEvent;
          try {
            event = decodeEvent(m.value);
          } catch {
            continue;
          }
          const id = event.causationId ?? '';
          if (!id.startsWith('e2e:')) continue;
          const index = Number(id.slice(4));
          if (decidedAt[index] > 0) continue;
          decidedAt[index] = now;
          decided++;
          const list = position.get(batch.partition) ?? [];
          list.push({ partition: batch.partition, offset: BigInt(m.offset), index });
          position.set(batch.partition, list);
        }
      },
    });
    let polling = true;
    const poller = (async () => {
      const owner = checkpointOwner('device-keys', await new ProjectionRegistry(mongo.db(env.MONGODB_DB)).active('device-keys'));
      while (polling) {
        const at = await checkpoints.load(owner).catch(() => new Map<number, string>());
        const now = performance.now();
        for (const [partition, list] of position) {
          const reached = BigInt(at.get(partition) ?? '-1');
          let kept = 0;
          for (const p of list) {
            if (p.offset <= reached) {
              visibleAt[p.index] = now;
              visible++;
            } else list[kept++] = p;
          }
          list.length = kept;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // Open loop: every 10 ms, send the commands that are due by then.
    log(`sending ${total} commands at ${RATE}/s`);
    const started = performance.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE) + 1);
      if (due > sent) {
        const now = performance.now();
        for (let i = sent; i < due; i++) sentAt[i] = now;
        await producer.send(commands.slice(sent, due));
        sent = due;
      } else {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const sendSeconds = (performance.now() - started) / 1000;
    log(`sent in ${sendSeconds.toFixed(1)} s; waiting for decisions and the projection`);
    const deadline = Date.now() + WAIT_MS;
    let lastLog = 0;
    while (visible < total && Date.now() < deadline) {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`decided ${decided}, visible ${visible} of ${total}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    polling = false;
    await poller;
    const span = (at: Float64Array) => {
      let last = 0;
      for (const x of at) if (x > last) last = x;
      return (last - started) / 1000;
    };
    const toDecided = new LatencyHistogram();
    const toVisible = new LatencyHistogram();
    for (let i = 0; i < total; i++) {
      if (decidedAt[i] > 0) toDecided.record(Math.round((decidedAt[i] - sentAt[i]) * 1000));
      if (visibleAt[i] > 0) toVisible.record(Math.round((visibleAt[i] - sentAt[i]) * 1000));
    }
    const ms = (us: number) => Math.round(us / 100) / 10;
    printTable(`Command to visible read model, target ${RATE}/s for ${SECONDS} s (${new Date().toISOString().slice(0, 10)})`, [
      ['users already in the store', BASE_USERS],
      ['commands sent / achieved send rate per s', `${total} / ${Math.round(total / sendSeconds)}`],
      ['decided (event in e2ee.events) / per s over the run', `${decided} / ${Math.round(decided / Math.max(span(decidedAt), 1e-3))}`],
      ['visible in device-keys / per s over the run', `${visible} / ${Math.round(visible / Math.max(span(visibleAt), 1e-3))}`],
      ['command -> event p50 / p99 / max, ms', `${ms(toDecided.percentile(0.5))} / ${ms(toDecided.percentile(0.99))} / ${ms(toDecided.max)}`],
      [
        'command -> visible p50 / p90 / p99 / max, ms',
        `${ms(toVisible.percentile(0.5))} / ${ms(toVisible.percentile(0.9))} / ${ms(toVisible.percentile(0.99))} / ${ms(toVisible.max)}`,
      ],
    ]);
    process.stdout.write(
      `${JSON.stringify({ machine: machine(), rate: RATE, seconds: SECONDS, baseUsers: BASE_USERS, sent: total, decided, visible }, null, 2)}\n`,
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect();
    await processor.close();
    await projector.close();
    await mongo.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([`${topics.prefix}bench.e2e.watch`]).catch(() => undefined);
    await admin.disconnect();
    await cleanUp(env);
  }
}

runBench(main);
