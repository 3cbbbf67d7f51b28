/**
 * The gateway's cost, unloaded: one client, sequential requests, beside a real Synapse (PyPI,
 * SQLite; `npm run infra -- provision-synapse` once) and the key server, run as
 * `npm run system -- --with-synapse` runs them: each service, the gateway and Synapse in its own
 * process. Measures `GET /_matrix/client/versions` and an empty incremental `/sync` (timeout=0)
 * straight to Synapse and through the gateway (which asks Synapse and the sync extension side by
 * side and merges), plus the sync extension alone, the series interleaved. Prints p50/p90/p99 and
 * the gateway's added p50 (issue 15: at most 5 ms for the merged /sync).
 * Run: npm run bench -- gateway   (BENCH_REQUESTS, default 500 per series)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { infraLayout } from '../apps/cli/src/infra/infra-layout';
import { freePort } from '../apps/cli/src/infra/processes';
import { cleanUp } from '../test/helpers/system';
import { register } from '../test/helpers/synapse-system';
import { summarize } from './lib/stats';
import { benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const WARMUP = 50;
const SERVER_NAME = 'gateway-bench.local';

interface Series {
  readonly name: string;
  readonly url: () => string;
  readonly token?: string;
}

/**
 * Every series' requests interleaved (one of each in turn), so that whatever else the machine does
 * meanwhile falls on all of them alike: the differences between series are the comparison.
 */
async function interleaved(all: readonly Series[]): Promise<ReturnType<typeof summarize>[]> {
  const once = async ({ name, url, token }: Series) => {
    const response = await fetch(url(), { headers: token ? { authorization: `Bearer ${token}` } : undefined });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${name}: ${response.status}`);
  };
  for (let i = 0; i < WARMUP; i++) for (const s of all) await once(s);
  const samples = all.map(() => [] as number[]);
  for (let i = 0; i < REQUESTS; i++) {
    for (const [k, s] of all.entries()) {
      const started = process.hrtime.bigint();
      await once(s);
      samples[k].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return samples.map((taken) => summarize(taken));
}

/** `system --with-synapse` as a child process on free ports, against the infrastructure already up. */
async function startSystem(env: NodeJS.ProcessEnv): Promise<{ gatewayUrl: string; homeserverUrl: string; keysApiUrl: string; stop: () => Promise<void> }> {
  const layout = infraLayout();
  rmSync(join(layout.root, 'synapse-hs', SERVER_NAME, 'data'), { recursive: true, force: true }); // a fresh homeserver each run
  const ports = {
    HTTP_PORT: await freePort(),
    PROCESSOR_PORT: await freePort(),
    PROJECTOR_PORT: await freePort(),
    GATEWAY_PORT: await freePort(),
    SYNAPSE_PORT: await freePort(),
  };
  const child: ChildProcess = spawn(
    process.execPath,
    [join(layout.projectRoot, 'scripts', 'run.js'), join(layout.projectRoot, 'apps/cli/src/main.ts'), 'system', '--with-synapse'],
    {
      cwd: layout.projectRoot,
      env: { ...env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), SERVER_NAME },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const urls = {
    gatewayUrl: `http://127.0.0.1:${ports.GATEWAY_PORT}`,
    homeserverUrl: `http://127.0.0.1:${ports.SYNAPSE_PORT}`,
    keysApiUrl: `http://127.0.0.1:${ports.HTTP_PORT}`,
  };
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.on('exit', resolve));
    }
  };
  const deadline = Date.now() + 180_000;
  const answers = (url: string) =>
    fetch(url).then(
      (r) => r.ok,
      () => false,
    );
  while (!(await answers(`${urls.gatewayUrl}/_matrix/client/versions`)) || !(await answers(`${urls.keysApiUrl}/health/ready`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('the system did not come up');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { ...urls, stop };
}

async function main(): Promise<void> {
  const env = benchEnv({ KAFKA_PARTITIONS: '4', LOG_LEVEL: 'warn' });
  delete env.HTTP_PORT;
  log('starting Synapse, the key server and the gateway (npm run system -- --with-synapse)...');
  const system = await startSystem(env);
  try {
    const user = await register(system.gatewayUrl, `bench${randomBytes(3).toString('hex')}`);
    const get = async (url: string) =>
      (await (await fetch(url, { headers: { authorization: `Bearer ${user.accessToken}` } })).json()) as { next_batch: string };
    // Tokens after an initial sync: every later sync with them and timeout=0 is empty.
    const direct = (await get(`${system.homeserverUrl}/_matrix/client/v3/sync?timeout=0`)).next_batch;
    const merged = (await get(`${system.gatewayUrl}/_matrix/client/v3/sync?timeout=0`)).next_batch;
    const extension = (await get(`${system.keysApiUrl}/_keyserver/v1/sync`)).next_batch;
    const q = encodeURIComponent;
    const [versionsDirect, versionsGateway, syncDirect, syncGateway, syncExtension] = await interleaved([
      { name: 'versions direct', url: () => `${system.homeserverUrl}/_matrix/client/versions` },
      { name: 'versions gateway', url: () => `${system.gatewayUrl}/_matrix/client/versions` },
      { name: 'sync direct', url: () => `${system.homeserverUrl}/_matrix/client/v3/sync?since=${q(direct)}&timeout=0`, token: user.accessToken },
      { name: 'sync gateway', url: () => `${system.gatewayUrl}/_matrix/client/v3/sync?since=${q(merged)}&timeout=0`, token: user.accessToken },
      { name: 'sync extension', url: () => `${system.keysApiUrl}/_keyserver/v1/sync?since=${q(extension)}&timeout=0`, token: user.accessToken },
    ]);
    const results = { versionsDirect, versionsGateway, syncDirect, syncGateway, syncExtension };
    const row = (label: string, s: ReturnType<typeof summarize>) => [label, `p50 ${s.p50}  p90 ${s.p90}  p99 ${s.p99}  (n=${s.count})`] as const;
    printTable(`gateway cost, ${REQUESTS} sequential requests per series, series interleaved (ms)`, [
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
