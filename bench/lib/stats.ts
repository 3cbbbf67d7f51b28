/** Latency summary in milliseconds from raw samples. */
export function summarize(samplesMs: number[]): { count: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.reduce((s, x) => s + x, 0) / Math.max(sorted.length, 1)),
  };
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
