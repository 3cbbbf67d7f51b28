import { SingleBar, Presets } from 'cli-progress';
import { LagSampler } from './lag-sampler';
import { Sink } from './sink';
import { Operation } from './traffic-plan';

export interface PhaseResult {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface PhaseOptions {
  readonly name: string;
  /** Operations per second to aim for; 0 = as fast as the concurrency allows. */
  readonly rate: number;
  readonly concurrency: number;
  /** Stop after this many seconds (Infinity: when the operations run out). */
  readonly durationSeconds: number;
  readonly maxOperations: number;
  /** Total shown by the progress bar, when known. */
  readonly expected?: number;
  readonly progress: boolean;
  /** Checked between operations; true stops the phase. */
  readonly until?: () => boolean;
  /** Without a progress bar: a line every 10 s. */
  readonly log?: (msg: string) => void;
}

/**
 * Runs operations from `concurrency` workers. With a rate, operation i is not started before
 * start + i/rate (open loop: a slow server makes operations late, and the achieved rate shows it).
 */
export async function runPhase(ops: Iterator<Operation>, sink: Sink, lag: LagSampler | undefined, options: PhaseOptions): Promise<PhaseResult> {
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
  let issued = 0;
  let done = 0;
  let exhausted = false;
  const bar = options.progress
    ? new SingleBar(
        { format: `${options.name.padEnd(8)} [{bar}] {percentage}% | {value}/{total} | {rate} ops/s | lag {lag} | {eta_formatted}`, etaBuffer: 50 },
        Presets.shades_classic,
      )
    : undefined;
  const total = () =>
    Number.isFinite(options.maxOperations) ? options.maxOperations : (options.expected ?? Math.max(1, Math.round(options.rate * options.durationSeconds)));
  bar?.start(total(), 0, { rate: 0, lag: '-' });
  let lastLine = performance.now();
  const ticker = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    if (!bar && options.log && performance.now() - lastLine > 10_000) {
      lastLine = performance.now();
      options.log(`${options.name}: ${done} done, ${issued - done} in flight, ${Math.round(done / Math.max(seconds, 1e-3))}/s`);
    }
    const latest = lag?.latest;
    const behind = latest ? Object.values(latest.lag).reduce((s, x) => s + x, 0) : '-';
    bar?.update(done, { rate: Math.round(done / Math.max(seconds, 1e-3)), lag: behind });
  }, 500);

  const worker = async () => {
    for (;;) {
      if (exhausted || issued >= options.maxOperations || performance.now() >= deadline || options.until?.()) return;
      if (options.rate > 0 && started + (issued * 1000) / options.rate >= deadline) return;
      const next = ops.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const index = issued++;
      if (options.rate > 0) {
        const due = started + (index * 1000) / options.rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await sink.perform(next.value);
      done++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  clearInterval(ticker);
  const seconds = (performance.now() - started) / 1000;
  bar?.update(done, { rate: Math.round(done / Math.max(seconds, 1e-3)) });
  bar?.stop();
  return { operations: done, seconds: Math.round(seconds * 10) / 10, perSecond: Math.round(done / Math.max(seconds, 1e-3)) };
}

/** Samples the lag every second until everything is through (or the wait is over); seconds taken, or null. */
export async function drain(lag: LagSampler, maxSeconds: number, log: (msg: string) => void): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    const s = await lag.sample();
    const behind = s ? Object.values(s.lag).reduce((a, b) => a + b, 0) : -1;
    if (behind === 0) return Math.round((Date.now() - started) / 100) / 10;
    if (Date.now() - started > maxSeconds * 1000) return null;
    log(`draining: ${behind} messages behind ${JSON.stringify(s?.lag ?? {})}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
