/**
 * Backup benchmark, printed from one run on one machine: upload of SESSIONS sessions in PUTs of
 * BATCH (sessions/s and PUT p50/p99), then one full download of them, streamed, with this
 * process's peak memory above its level before the download (the API runs in this process; the
 * client side counts bytes without keeping them).
 * Run: npm run bench -- backups   (BENCH_SESSIONS, BENCH_BATCH)
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cleanUp, startSystem } from '../test/helpers/system';
import { MatrixClient, tokenFor } from '../test/helpers/matrix-client';
import { drive, summarize } from './lib/stats';
import { benchEnv, machine, runBench } from './lib/bench-env';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);

async function main(): Promise<void> {
  const env = benchEnv();
  const system = await startSystem(env, 1);
  const url = system.apis[0].url;
  const client = new MatrixClient(url, tokenFor('@backup:bench.local', 'DEV'));
  try {
    const { version } = (
      await client.request('POST', '/_matrix/client/v3/room_keys/version', {
        algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
        auth_data: { public_key: 'bench' },
      })
    ).body;
    // Realistic sizes: session_data as a v1 client writes it (ephemeral key, ~250 bytes of ciphertext, mac).
    const sessionData = (i: number) => ({
      ephemeral: randomBytes(32).toString('base64'),
      ciphertext: randomBytes(190).toString('base64') + i,
      mac: randomBytes(8).toString('base64'),
    });
    const batches = Math.ceil(SESSIONS / BATCH);
    process.stderr.write(`uploading ${SESSIONS} sessions in ${batches} PUTs of ${BATCH}...\n`);
    const started = process.hrtime.bigint();
    const puts = await drive(batches, 1, async (b) => {
      const rooms: Record<string, { sessions: Record<string, unknown> }> = {};
      for (let i = b * BATCH; i < Math.min(SESSIONS, (b + 1) * BATCH); i++) {
        (rooms[`!room${i % 500}:bench.local`] ??= { sessions: {} }).sessions[`session${i}`] = {
          first_message_index: 0,
          forwarded_count: 0,
          is_verified: true,
          session_data: sessionData(i),
        };
      }
      const r = await client.request('PUT', `/_matrix/client/v3/room_keys/keys?version=${version}`, { rooms });
      if (r.status !== 200) throw new Error(`put ${r.status} ${JSON.stringify(r.body)}`);
    });
    const uploadSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    // Full download: stream the body, count bytes, sample memory.
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const t0 = process.hrtime.bigint();
    const response = await fetch(`${url}/_matrix/client/v3/room_keys/keys?version=${version}`, {
      headers: { authorization: `Bearer ${tokenFor('@backup:bench.local', 'DEV')}` },
    });
    let bytes = 0;
    let tail = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      tail = (tail + Buffer.from(chunk).toString('utf8')).slice(-64);
    }
    const downloadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    if (response.status !== 200 || !tail.endsWith('}}}}')) throw new Error(`download ${response.status}, ends with ${tail}`);

    const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    const report = {
      machine: machine(),
      upload: {
        sessions: SESSIONS,
        batch: BATCH,
        seconds: Math.round(uploadSeconds * 10) / 10,
        sessionsPerSecond: Math.round(SESSIONS / uploadSeconds),
        'PUT ms': summarize(puts.latencies),
      },
      'full download (streamed)': {
        responseMB: mb(bytes),
        seconds: Math.round(downloadSeconds * 10) / 10,
        rssBeforeMB: mb(before),
        peakRssAboveBeforeMB: mb(peak - before),
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await system.stop();
    await cleanUp(env);
  }
}

runBench(main);
