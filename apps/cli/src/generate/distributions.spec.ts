import { createRng } from './prng';
import { ZipfSampler, sampleDeviceCount, sampleDistinct, zipfRoomSizes } from './distributions';

describe('seeded generator', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('forks independently of later use of the parent', () => {
    const a = createRng(1);
    const b = createRng(1);
    b.next();
    expect(a.fork('rooms').next()).toBe(b.fork('rooms').next());
  });
});

describe('Zipf', () => {
  it('room sizes fall as 1/rank from the largest', () => {
    expect(zipfRoomSizes(5, 10_000)).toEqual([10_000, 5_000, 3_333, 2_500, 2_000]);
    expect(zipfRoomSizes(3, 10, 1, 4)).toEqual([10, 5, 4]);
  });

  it('samples rank 1 about twice as often as rank 2 (s = 1)', () => {
    const z = new ZipfSampler(100, 1);
    const rng = createRng(7);
    const counts = new Map<number, number>();
    for (let i = 0; i < 50_000; i++) {
      const k = z.sample(rng);
      expect(k).toBeGreaterThanOrEqual(1);
      expect(k).toBeLessThanOrEqual(100);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const ratio = counts.get(1)! / counts.get(2)!;
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });
});

describe('device counts', () => {
  it('are mostly 1-3 with a bounded tail', () => {
    const rng = createRng(3);
    const counts = Array.from({ length: 20_000 }, () => sampleDeviceCount(rng));
    const small = counts.filter((c) => c <= 3).length / counts.length;
    expect(small).toBeGreaterThan(0.88);
    expect(small).toBeLessThan(0.96);
    expect(Math.max(...counts)).toBeLessThanOrEqual(40);
    expect(Math.max(...counts)).toBeGreaterThan(10);
    expect(Math.min(...counts)).toBe(1);
  });
});

describe('sampleDistinct', () => {
  it('draws distinct values in range, all of them when asked for more', () => {
    const rng = createRng(9);
    const some = sampleDistinct(rng, 1000, 100);
    expect(new Set(some).size).toBe(100);
    expect(some.every((v) => v >= 0 && v < 1000)).toBe(true);
    expect(sampleDistinct(rng, 10, 50).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
