/**
 * The key server beside Synapse: the same client scenarios against both, in one run, one table.
 * Each device uploads device keys + 50 signed one-time keys; then BENCH_CLAIMS claims of one key of
 * a random device (every key handed out is recorded: none may be handed out twice); /keys/query
 * of all users; /keys/changes between the tokens from before and after the uploads (all users
 * share one room on both servers). Synapse (PyPI, pinned) runs on its own PostgreSQL 15, both
 * provisioned into .local/ on first use; the key server runs as its three service processes.
 * The servers run one after the other, never at the same time.
 * Run: npm run bench -- peer   (BENCH_DEVICES 200, BENCH_CONCURRENCY 16, BENCH_CLAIMS 8000,
 *   BENCH_QUERIES 200, BENCH_CHANGES_READS 200; BENCH_PEER_ONLY=synapse|keyserver for one side)
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { infraLayout } from '../apps/cli/src/infra/infra-layout';
import { LocalSynapse, SYNAPSE_SERVER_NAME, SYNAPSE_VERSION } from '../apps/cli/src/infra/synapse';
import { startLocalSystem } from '../apps/cli/src/generate/local-system';
import { cleanUp } from '../test/helpers/system';
import { benchEnv, log, machine, runBench } from './lib/bench-env';
import { PeerResult, PeerSettings, runPeerScenarios } from './lib/peer-driver';
import { synapseTarget } from './lib/synapse-peer';
import { keyServerTarget } from './lib/keyserver-peer';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 200);
const ONLY = process.env.BENCH_PEER_ONLY;
const SETTINGS: PeerSettings = {
  keysPerDevice: 50,
  claims: Number(process.env.BENCH_CLAIMS ?? 8000),
  queries: Number(process.env.BENCH_QUERIES ?? 200),
  changesReads: Number(process.env.BENCH_CHANGES_READS ?? 200),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 16),
  seed: 14,
};

async function onSynapse(): Promise<{ result: PeerResult; postgres: string }> {
  const synapse = new LocalSynapse(infraLayout().root, log);
  try {
    const { url, sharedSecret } = await synapse.start();
    // Synapse and PostgreSQL (its postmaster with every backend).
    const target = await synapseTarget(url, sharedSecret, SYNAPSE_SERVER_NAME, DEVICES, log, () =>
      pidsFrom(join(synapse.dir, 'run', 'synapse.pid'), join(infraLayout().root, 'postgres', 'data', 'postmaster.pid')),
    );
    const result = await runPeerScenarios(target, SETTINGS, log);
    log(`synapse figures: ${JSON.stringify(result)}`); // kept even if the key server side fails later
    return { result, postgres: synapse.postgres.version() };
  } finally {
    await synapse.stop();
  }
}

async function onKeyServer(): Promise<PeerResult> {
  // Same server name as Synapse's, so user ids are identical on both sides.
  const env = benchEnv({ SERVER_NAME: SYNAPSE_SERVER_NAME });
  const system = await startLocalSystem(infraLayout().projectRoot, env, log);
  try {
    // The three services, Kafka and FerretDB.
    const target = await keyServerTarget(system.url, env, DEVICES, log, () => [
      ...system.pids,
      ...pidsFrom(join(infraLayout().run, 'kafka.pid'), join(infraLayout().run, 'ferretdb.pid')),
    ]);
    // One warm-up read: the first request of a fresh process pays for lazy initialisation.
    await fetch(`${system.url}/_matrix/client/v3/keys/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.users[0].token}` },
      body: '{"device_keys":{}}',
    });
    return await runPeerScenarios(target, SETTINGS, log);
  } finally {
    await system.stop();
    await cleanUp(env);
  }
}

/** The pid on the first line of each pid file that exists. */
function pidsFrom(...files: string[]): number[] {
  return files
    .filter((f) => existsSync(f))
    .map((f) => Number(readFileSync(f, 'utf8').split('\n')[0].trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

const SCENARIOS = [
  ['upload', 'upload: device keys + 50 signed OTKs'],
  ['claim', 'claim one signed_curve25519 key'],
  ['query', `/keys/query of all ${DEVICES} users`],
  ['changes', '/keys/changes (from, to) over the uploads'],
] as const;

function table(synapse: PeerResult | undefined, keys: PeerResult | undefined): string {
  const n = (x: number | undefined) => (x === undefined ? '-' : x.toLocaleString('en-US', { maximumFractionDigits: x < 10 ? 1 : 0 }));
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
  const lines = [
    '| scenario | Synapse ops/s | p50 ms | p99 ms | CPU ms/op | key server ops/s | p50 ms | p99 ms | CPU ms/op | throughput key server / Synapse | p99 key server / Synapse | CPU per op key server / Synapse |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [key, label] of SCENARIOS) {
    const s = synapse?.scenarios[key];
    const k = keys?.scenarios[key];
    lines.push(
      `| ${label} | ${n(s?.perSecond)} | ${n(s?.p50)} | ${n(s?.p99)} | ${n(s?.cpuMsPerOp)} | ${n(k?.perSecond)} | ${n(k?.p50)} | ${n(k?.p99)} | ${n(k?.cpuMsPerOp)} | ${ratio(k?.perSecond, s?.perSecond)} | ${ratio(k?.p99, s?.p99)} | ${ratio(k?.cpuMsPerOp, s?.cpuMsPerOp)} |`,
    );
  }
  const check = (name: string, r: PeerResult | undefined) =>
    r &&
    `${name}: ${r.handedOutTwice === 0 ? 'no key handed out twice' : `${r.handedOutTwice} KEYS HANDED OUT MORE THAN ONCE`} (${r.keysHandedOut} handed out, ${r.emptyClaims} empty claims); every query returned >= ${r.devicesPerQuery} devices; /keys/changes reported ${r.changedReported} changed users; ${r.retries} requests retried after 503/429; load average ${r.loadAverage.join(' -> ')} on ${cpus().length} cores`;
  return [...lines, '', check('Synapse', synapse), check('key server', keys)].filter((l) => l !== undefined).join('\n');
}

async function main(): Promise<void> {
  log(
    `peer bench: ${DEVICES} devices, concurrency ${SETTINGS.concurrency}, ${SETTINGS.claims} claims, ${SETTINGS.queries} queries, ${SETTINGS.changesReads} /keys/changes`,
  );
  const synapse = ONLY === 'keyserver' ? undefined : await onSynapse();
  const keys = ONLY === 'synapse' ? undefined : await onKeyServer();
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const versions = {
    synapse: `matrix-synapse ${SYNAPSE_VERSION} (PyPI), ${synapse?.postgres ?? 'PostgreSQL'}`,
    keyServer: `e2ee-keyserver ${commit} (+ working tree)`,
  };
  process.stdout.write(
    `\nBeside Synapse, ${new Date().toISOString().slice(0, 10)}: ${DEVICES} devices, concurrency ${SETTINGS.concurrency}\n\n${table(synapse?.result, keys)}\n\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ machine: machine(), versions, settings: { devices: DEVICES, ...SETTINGS }, synapse: synapse?.result, keyServer: keys }, null, 2)}\n`,
  );
}

runBench(main);
