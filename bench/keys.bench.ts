/**
 * Key-distribution benchmark, printed side by side from one run on one machine:
 * - claim throughput and p50/p99 through two keys-api instances (the write path: Kafka round trip);
 * - upload of 50 signed one-time keys, p50/p99;
 * - /keys/query of one user (the read path: read barrier + MongoDB), as the in-run reference.
 * Run: npm run bench -- keys   (starts local Kafka + FerretDB unless KAFKA_BROKERS/MONGODB_URI are set)
 */
import { cpus } from 'node:os';
import 'reflect-metadata';
import { newDeviceIdentity, signedDeviceKeys, signedFallbackKey, signedOneTimeKeys } from '@app/testing';
import { startSystem } from '../test/helpers/system';
import { cleanUp } from '../test/helpers/system';
import { MatrixClient, tokenFor } from '../test/helpers/matrix-client';
import { drive, summarize } from './lib/stats';
import { benchEnv, runBench } from './lib/bench-env';

// BENCH_SCALE multiplies the devices holding keys (the data), not the number of requests measured.
const TARGETS = Number(process.env.BENCH_TARGETS ?? 200) * Number(process.env.BENCH_SCALE ?? 1);
const KEYS_PER_TARGET = Number(process.env.BENCH_KEYS ?? 50);
const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);

async function main(): Promise<void> {
  const env = benchEnv();
  const system = await startSystem(env, 2);
  const [a, b] = system.apis.map((api) => api.url);
  try {
    const devices = Array.from({ length: TARGETS }, (_, i) => newDeviceIdentity(`@target${i}:bench.local`, 'DEV'));
    process.stderr.write(`uploading ${TARGETS} devices x ${KEYS_PER_TARGET} signed one-time keys...\n`);
    const uploads = await drive(TARGETS, 16, async (i) => {
      const d = devices[i];
      const ids = Array.from({ length: KEYS_PER_TARGET }, (_, k) => `k${k}`);
      const body = { device_keys: signedDeviceKeys(d), one_time_keys: signedOneTimeKeys(d, ids), fallback_keys: signedFallbackKey(d, 'fb') };
      const r = await new MatrixClient(i % 2 ? b : a, tokenFor(d.userId, 'DEV')).upload(body);
      if (r.status !== 200) throw new Error(`upload ${r.status} ${JSON.stringify(r.body)}`);
    });

    process.stderr.write(`claiming ${CLAIMS} keys with ${CONCURRENCY} concurrent clients over two API instances...\n`);
    let fallbacks = 0;
    const claims = await drive(CLAIMS, CONCURRENCY, async (i) => {
      const target = devices[i % TARGETS].userId;
      const r = await new MatrixClient(i % 2 ? b : a, tokenFor(`@claimer${i % 500}:bench.local`, 'C')).request('POST', '/_matrix/client/v3/keys/claim', {
        one_time_keys: { [target]: { DEV: 'signed_curve25519' } },
      });
      if (r.status !== 200) throw new Error(`claim ${r.status} ${JSON.stringify(r.body)}`);
      if (Object.keys(r.body.one_time_keys[target]?.DEV ?? {})[0] === 'signed_curve25519:fb') fallbacks++;
    });

    const queries = await drive(CLAIMS, CONCURRENCY, async (i) => {
      const target = devices[i % TARGETS].userId;
      const r = await new MatrixClient(i % 2 ? b : a, tokenFor('@reader:bench.local', 'R')).query({ device_keys: { [target]: [] } });
      if (r.status !== 200) throw new Error(`query ${r.status}`);
    });

    const report = {
      machine: { cpus: cpus().length, node: process.version },
      setup: { targets: TARGETS, keysPerTarget: KEYS_PER_TARGET, apiInstances: 2, partitions: 8, concurrency: CONCURRENCY },
      'upload (device keys + 50 signed OTKs + fallback), ms': { ...summarize(uploads.latencies), perSecond: uploads.perSecond },
      'claim one key, ms': { ...summarize(claims.latencies), perSecond: claims.perSecond, fallbacksHandedOut: fallbacks },
      'query one user (reference: read path), ms': { ...summarize(queries.latencies), perSecond: queries.perSecond },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await system.stop();
    await cleanUp(env);
  }
}

runBench(main);
