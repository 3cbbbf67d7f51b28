import { type Histogram, build } from 'hdr-histogram-js';

/**
 * A latency histogram: a thin adapter over hdr-histogram-js (HdrHistogram's JavaScript port, the
 * pure-JS implementation, not the WebAssembly one) that keeps the small API the load generator's
 * report and the benches read. Values are non-negative integers (e.g. microseconds); the histogram
 * grows as larger values arrive and keeps every value within 10^-significantDigits of itself
 * (0.1% with the default 3 digits) in fixed memory, whatever the count.
 */
export class LatencyHistogram {
  private readonly hdr: Histogram;

  constructor(significantDigits: 1 | 2 | 3 | 4 | 5 = 3) {
    this.hdr = build({ bitBucketSize: 64, autoResize: true, numberOfSignificantValueDigits: significantDigits, useWebAssembly: false });
  }

  /** Records `value` (rounded down to an integer; negative counts as 0) `count` times. */
  record(value: number, count = 1): void {
    const v = Math.max(0, Math.floor(value));
    if (count === 1) this.hdr.recordValue(v);
    else this.hdr.recordValueWithCount(v, count);
  }

  get count(): number {
    return this.hdr.totalCount;
  }

  /** The largest value recorded, exactly (NaN when empty). */
  get max(): number {
    return this.count === 0 ? NaN : this.hdr.maxValue;
  }

  /** The mean, within the histogram's precision (NaN when empty). */
  get mean(): number {
    return this.count === 0 ? NaN : this.hdr.mean;
  }

  /**
   * The value at quantile q (0..1): the highest value equivalent to the one of rank ceil(q * count)
   * (HdrHistogram's getValueAtPercentile), capped at the largest value recorded; NaN when empty.
   */
  percentile(q: number): number {
    if (this.count === 0) return NaN;
    return Math.min(this.hdr.getValueAtPercentile(q * 100), this.hdr.maxValue);
  }

  /** Adds the other histogram's counts to this one. */
  merge(other: LatencyHistogram): void {
    this.hdr.add(other.hdr);
  }
}
