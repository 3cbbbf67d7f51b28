/**
 * To-device benchmark, printed from one run on one machine: RECEIVERS devices long-poll the sync
 * extension in a loop (each acknowledging with its next `since`) while senders PUT /sendToDevice at
 * a fixed concurrency. Prints send p50/p99, throughput, and send-to-delivery p50/p99 (from just
 * before the PUT to the long-poll answer that carried the message).
 * Run: npm run bench -- to-device   (BENCH_RECEIVERS, BENCH_MESSAGES, BENCH_CONCURRENCY)
 */
import 'reflect-metadata';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { cleanUp, startSystem } from '../test/helpers/system';
import { MatrixClient, tokenFor } from '../test/helpers/matrix-client';
import { drive, summarize } from './lib/stats';
import { benchEnv, machine, runBench } from './lib/bench-env';

const RECEIVERS = Number(process.env.BENCH_RECEIVERS ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

async function main(): Promise<void> {
  const env = benchEnv();
  const system = await startSystem(env, 2);
  const urls = system.apis.map((a) => a.url);
  const receivers = Array.from({ length: RECEIVERS }, (_, i) => `@rcv${i}:bench.local`);
  const sentAt = new Map<string, number>();
  const deliveries: number[] = [];
  let running = true;
  try {
    await drive(RECEIVERS, 8, async (i) => {
      const r = await new MatrixClient(urls[i % 2], tokenFor(receivers[i], 'D')).upload({
        device_keys: signedDeviceKeys(newDeviceIdentity(receivers[i], 'D')),
      });
      if (r.status !== 200) throw new Error(`upload ${r.status}`);
    });
    // Every receiver long-polls in a loop, as a client's /sync would.
    const loops = receivers.map(async (user, i) => {
      const client = new MatrixClient(urls[i % 2], tokenFor(user, 'D'));
      let since: string | null = null;
      while (running) {
        const r = await client.request('GET', since === null ? '/_keyserver/v1/sync' : `/_keyserver/v1/sync?since=${since}&timeout=5000`);
        if (r.status !== 200) continue;
        const now = Date.now();
        for (const e of r.body.to_device?.events ?? []) {
          const at = sentAt.get((e.content as { m: string }).m);
          if (at !== undefined) deliveries.push(now - at);
        }
        since = r.body.next_batch;
      }
    });
    await new Promise((r) => setTimeout(r, 1000));
    process.stderr.write(`sending ${MESSAGES} messages at concurrency ${CONCURRENCY} to ${RECEIVERS} long-polling devices...\n`);
    const sends = await drive(MESSAGES, CONCURRENCY, async (i) => {
      const m = `m${i}`;
      sentAt.set(m, Date.now());
      const r = await new MatrixClient(urls[i % 2], tokenFor(`@snd${i % 20}:bench.local`, 'S')).request(
        'PUT',
        `/_matrix/client/v3/sendToDevice/m.room_key_request/${m}`,
        { messages: { [receivers[i % RECEIVERS]]: { D: { m, action: 'request', requesting_device_id: 'S', request_id: m } } } },
      );
      if (r.status !== 200) throw new Error(`send ${r.status} ${JSON.stringify(r.body)}`);
    });
    const deadline = Date.now() + 120_000;
    while (deliveries.length < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    running = false;
    await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 6000))]);
    const report = {
      machine: machine(),
      setup: { receivers: RECEIVERS, messages: MESSAGES, senderConcurrency: CONCURRENCY, apiInstances: 2, partitions: 8 },
      'PUT /sendToDevice, ms': { ...summarize(sends.latencies), perSecond: sends.perSecond },
      'send-to-delivery through long-polls, ms': { ...summarize(deliveries), delivered: deliveries.length },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    running = false;
    await system.stop();
    await cleanUp(env);
  }
}

runBench(main);
