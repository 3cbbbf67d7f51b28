import { LatencyHistogram } from './histogram';

describe('LatencyHistogram (hdr-histogram-js adapter)', () => {
  it('is exact for small values: percentiles, count, max and mean of 1..100', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(h.percentile(0.5)).toBe(50);
    expect(h.percentile(0.9)).toBe(90);
    expect(h.percentile(0.99)).toBe(99);
    expect(h.percentile(1)).toBe(100);
    expect(h.count).toBe(100);
    expect(h.max).toBe(100);
    expect(h.mean).toBeCloseTo(50.5);
  });

  it('takes the value of rank ceil(q * count), as nearest-rank percentiles do', () => {
    const h = new LatencyHistogram();
    for (const v of [10, 20, 30, 40]) h.record(v);
    expect(h.percentile(0.25)).toBe(10);
    expect(h.percentile(0.26)).toBe(20);
    expect(h.percentile(0.5)).toBe(20);
    expect(h.percentile(0.75)).toBe(30);
    expect(h.percentile(0.999)).toBe(40);
  });

  it('agrees with sorted samples on percentiles within 0.1% across magnitudes, and keeps the max exact', () => {
    const h = new LatencyHistogram();
    const samples: number[] = [];
    let x = 7;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 48271) % 2147483647;
      const v = (x % 5_000_000) + 1;
      samples.push(v);
      h.record(v);
    }
    samples.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const exact = samples[Math.ceil(q * samples.length) - 1];
      const got = h.percentile(q);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect((got - exact) / exact).toBeLessThan(1 / 1000);
    }
    expect(h.percentile(1)).toBe(samples[samples.length - 1]);
    expect(h.max).toBe(samples[samples.length - 1]);
    const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
    expect(Math.abs(h.mean - mean) / mean).toBeLessThan(1 / 1000);
  });

  it('grows for large values (a 10-minute latency in microseconds)', () => {
    const h = new LatencyHistogram();
    h.record(1);
    h.record(600_000_000);
    expect(h.max).toBe(600_000_000);
    expect(h.percentile(0.5)).toBe(1);
    expect(h.percentile(1)).toBe(600_000_000);
  });

  it('records counts, rounds down fractions, clamps negatives to 0, and merges', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(10.9);
    a.record(-3);
    b.record(1000, 3);
    a.merge(b);
    expect(a.count).toBe(5);
    expect(a.max).toBe(1000);
    expect(a.percentile(0.2)).toBe(0);
    expect(a.percentile(0.4)).toBe(10);
    expect(a.percentile(0.6)).toBe(1000);
  });

  it('answers NaN when empty', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.percentile(0.5)).toBeNaN();
    expect(h.max).toBeNaN();
    expect(h.mean).toBeNaN();
  });
});
