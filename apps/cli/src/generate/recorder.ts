import { LatencyHistogram } from './histogram';

/** The percentiles each endpoint's summary reports, in milliseconds. */
const PERCENTILES = { p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999 } as const;

/** One endpoint's figures: operations, errors, and latencies in milliseconds. */
export type EndpointSummary = { readonly count: number; readonly errors: number; readonly max: number; readonly mean: number } & {
  readonly [P in keyof typeof PERCENTILES]: number;
};

/**
 * What a run measured: a latency histogram (microseconds) per endpoint, error counts, and the
 * operations completed in each second since the start, per endpoint.
 */
export class Recorder {
  readonly histograms = new Map<string, LatencyHistogram>();
  readonly errors = new Map<string, number>();
  readonly errorSamples: string[] = [];
  /** perSecond[second][endpoint] = completed operations. */
  readonly perSecond: Record<string, number>[] = [];
  readonly skipped = new Map<string, number>();
  readonly startedAt = Date.now();

  record(endpoint: string, latencyMs: number, ok: boolean, detail?: string): void {
    let h = this.histograms.get(endpoint);
    if (!h) this.histograms.set(endpoint, (h = new LatencyHistogram()));
    h.record(Math.round(latencyMs * 1000));
    if (!ok) {
      this.errors.set(endpoint, (this.errors.get(endpoint) ?? 0) + 1);
      if (detail && this.errorSamples.length < 20) this.errorSamples.push(`${endpoint}: ${detail}`);
    }
    const second = Math.floor((Date.now() - this.startedAt) / 1000);
    while (this.perSecond.length <= second) this.perSecond.push({});
    this.perSecond[second][endpoint] = (this.perSecond[second][endpoint] ?? 0) + 1;
  }

  skip(kind: string): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
  }

  get completed(): number {
    let n = 0;
    for (const h of this.histograms.values()) n += h.count;
    return n;
  }

  summaries(): Record<string, EndpointSummary> {
    const ms = (us: number) => Math.round(us / 10) / 100;
    const out: Record<string, EndpointSummary> = {};
    for (const [endpoint, h] of [...this.histograms].sort(([a], [b]) => a.localeCompare(b))) {
      const percentiles = Object.fromEntries(Object.entries(PERCENTILES).map(([name, q]) => [name, ms(h.percentile(q))]));
      out[endpoint] = { count: h.count, errors: this.errors.get(endpoint) ?? 0, ...percentiles, max: ms(h.max), mean: ms(h.mean) } as EndpointSummary;
    }
    return out;
  }
}
