import { LogLinearHistogram } from './histogram';

describe('LogLinearHistogram', () => {
  it('is exact below 2^precisionBits', () => {
    const h = new LogLinearHistogram(7);
    for (let v = 1; v <= 100; v++) h.record(v);
    expect(h.percentile(0.5)).toBe(50);
    expect(h.percentile(0.99)).toBe(99);
    expect(h.percentile(1)).toBe(100);
    expect(h.count).toBe(100);
    expect(h.mean).toBeCloseTo(50.5);
  });

  it('keeps every value within 1/128 of its bucket bound, across magnitudes', () => {
    const h = new LogLinearHistogram(7);
    for (const v of [129, 1000, 12_345, 999_999, 123_456_789]) {
      const index = h.indexOf(v);
      const high = h.highestOf(index);
      expect(high).toBeGreaterThanOrEqual(v);
      expect((high - v) / v).toBeLessThan(1 / 128);
      expect(h.indexOf(high)).toBe(index);
      expect(h.indexOf(high + 1)).toBe(index + 1);
    }
  });

  it('agrees with sorted samples on percentiles within the precision', () => {
    const h = new LogLinearHistogram(7);
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
      expect(Math.abs(h.percentile(q) - exact) / exact).toBeLessThan(1 / 100);
    }
    expect(h.percentile(1)).toBe(samples[samples.length - 1]);
  });

  it('merges counts', () => {
    const a = new LogLinearHistogram();
    const b = new LogLinearHistogram();
    a.record(10);
    b.record(1000, 3);
    a.merge(b);
    expect(a.count).toBe(4);
    expect(a.max).toBe(1000);
    expect(a.percentile(0.25)).toBe(10);
    expect(a.buckets().reduce((s, [, c]) => s + c, 0)).toBe(4);
  });
});
