/**
 * An HDR-style log-linear histogram: values (integers, e.g. microseconds) up to 2^maxPower are
 * counted in buckets whose width doubles every power of two, each power split into 2^precisionBits
 * sub-buckets, so every recorded value is kept within a relative error of 2^-precisionBits
 * (1/128 < 1% by default) in fixed memory, whatever the count.
 */
export class LogLinearHistogram {
  private readonly subBuckets: number;
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;
  private maxValue = 0;
  private minValue = Number.POSITIVE_INFINITY;

  constructor(readonly precisionBits = 7, readonly maxPower = 40) {
    this.subBuckets = 1 << precisionBits;
    this.counts = new Float64Array((maxPower - precisionBits + 2) * this.subBuckets);
  }

  /** Bucket index of a value: exact below 2^precisionBits, log-linear above. */
  indexOf(value: number): number {
    const v = Math.max(0, Math.floor(value));
    if (v < this.subBuckets) return v;
    const power = Math.floor(Math.log2(v)); // v in [2^power, 2^(power+1))
    const shift = power - this.precisionBits;
    const sub = Math.floor(v / Math.pow(2, shift)) - this.subBuckets; // 0..subBuckets-1
    return (shift + 1) * this.subBuckets + sub;
  }

  /** Highest value that falls in a bucket (what percentiles report, as HDR does). */
  highestOf(index: number): number {
    if (index < this.subBuckets) return index;
    const shift = Math.floor(index / this.subBuckets) - 1;
    const sub = index % this.subBuckets;
    return (this.subBuckets + sub + 1) * Math.pow(2, shift) - 1;
  }

  record(value: number, count = 1): void {
    const index = Math.min(this.indexOf(value), this.counts.length - 1);
    this.counts[index] += count;
    this.total += count;
    this.sum += value * count;
    if (value > this.maxValue) this.maxValue = value;
    if (value < this.minValue) this.minValue = value;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxValue;
  }

  get mean(): number {
    return this.total === 0 ? NaN : this.sum / this.total;
  }

  /** The value at quantile q (0..1): the highest value of the bucket holding that rank, capped at the max. */
  percentile(q: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.highestOf(i), this.maxValue);
    }
    return this.maxValue;
  }

  merge(other: LogLinearHistogram): void {
    if (other.counts.length !== this.counts.length) throw new Error('histograms of different shapes');
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
    this.sum += other.sum;
    this.maxValue = Math.max(this.maxValue, other.maxValue);
    this.minValue = Math.min(this.minValue, other.minValue);
  }

  /** Non-empty buckets as [highest value, count], for plotting a distribution. */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((c, i) => {
      if (c > 0) out.push([this.highestOf(i), c]);
    });
    return out;
  }
}
