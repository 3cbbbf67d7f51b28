/**
 * The gateway's cost, unloaded: one client, sequential requests, beside a real Synapse (PyPI,
 * SQLite; `npm run infra -- provision-synapse` once) and the key server. Measures
 * `GET /_matrix/client/versions` and an empty incremental `/sync` (timeout=0) straight to Synapse
 * and through the gateway (which asks Synapse and the sync extension side by side and merges),
 * plus the sync extension alone. Prints p50/p90/p99 and the gateway's added p50 (issue 15: at most
 * 5 ms for the merged /sync).
 * Run: npm run bench -- gateway   (BENCH_REQUESTS, default 500 per series)
 */
import 'reflect-metadata';
import { cleanUp } from '../test/helpers/system';
import { register, startSynapseSystem } from '../test/helpers/synapse-system';
import { summarize } from './lib/stats';
import { benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const WARMUP = 50;

async function series(name: string, url: () => string, token?: string): Promise<ReturnType<typeof summarize>> {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const once = async () => {
    const response = await fetch(url(), { headers });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${name}: ${response.status}`);
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = process.hrtime.bigint();
    await once();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarize(samples);
}

async function main(): Promise<void> {
  const env = benchEnv({ KAFKA_PARTITIONS: '4' });
  log('starting Synapse, the key server and the gateway...');
  const system = await startSynapseSystem(env);
  try {
    const user = await register(system.gatewayUrl, 'bench');
    const get = async (url: string) => (await (await fetch(url, { headers: { authorization: `Bearer ${user.accessToken}` } })).json()) as { next_batch: string };
    // Tokens after an initial sync: every later sync with them and timeout=0 is empty.
    const direct = (await get(`${system.homeserverUrl}/_matrix/client/v3/sync?timeout=0`)).next_batch;
    const merged = (await get(`${system.gatewayUrl}/_matrix/client/v3/sync?timeout=0`)).next_batch;
    const extension = (await get(`${system.keysApiUrl}/_keyserver/v1/sync`)).next_batch;
    const q = encodeURIComponent;
    const results = {
      versionsDirect: await series('versions direct', () => `${system.homeserverUrl}/_matrix/client/versions`),
      versionsGateway: await series('versions gateway', () => `${system.gatewayUrl}/_matrix/client/versions`),
      syncDirect: await series('sync direct', () => `${system.homeserverUrl}/_matrix/client/v3/sync?since=${q(direct)}&timeout=0`, user.accessToken),
      syncGateway: await series('sync gateway', () => `${system.gatewayUrl}/_matrix/client/v3/sync?since=${q(merged)}&timeout=0`, user.accessToken),
      syncExtension: await series('sync extension', () => `${system.keysApiUrl}/_keyserver/v1/sync?since=${q(extension)}&timeout=0`, user.accessToken),
    };
    const row = (label: string, s: ReturnType<typeof summarize>) => [label, `p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  (n=${s.count})`] as const;
    printTable(`gateway cost, ${REQUESTS} sequential requests per series (ms)`, [
      row('versions, Synapse', results.versionsDirect),
      row('versions, gateway', results.versionsGateway),
      row('empty /sync, Synapse', results.syncDirect),
      row('empty /sync, gateway', results.syncGateway),
      row('sync extension alone', results.syncExtension),
      ['added p50, versions', Math.round((results.versionsGateway.p50 - results.versionsDirect.p50) * 100) / 100],
      ['added p50, /sync', Math.round((results.syncGateway.p50 - results.syncDirect.p50) * 100) / 100],
    ]);
    process.stdout.write(`${JSON.stringify({ bench: 'gateway', machine: machine(), requests: REQUESTS, results })}\n`);
  } finally {
    await system.stop();
    await cleanUp(env);
  }
}

runBench(main);
