import { LatencyHistogram } from '../../apps/cli/src/generate/histogram';

/**
 * Latency summary in milliseconds (two decimals) from raw samples: the same HDR histogram and
 * percentile definition (nearest rank) as the load generator's reports, recorded in microseconds.
 */
export function summarize(samplesMs: number[]): { count: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const h = new LatencyHistogram();
  for (const ms of samplesMs) h.record(Math.round(ms * 1000));
  const ms = (us: number) => Math.round(us / 10) / 100;
  return { count: h.count, p50: ms(h.percentile(0.5)), p90: ms(h.percentile(0.9)), p99: ms(h.percentile(0.99)), max: ms(h.max), mean: ms(h.mean) };
}

/** Runs `op` from `concurrency` workers until `total` operations are done; returns latencies and rate. */
export async function drive(
  total: number,
  concurrency: number,
  op: (i: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number; perSecond: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await op(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { latencies, seconds, perSecond: Math.round(total / seconds) };
}
