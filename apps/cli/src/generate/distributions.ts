import { Rng } from './prng';

/**
 * Zipf over ranks 1..n with exponent s: P(rank k) ∝ 1 / k^s. Sampled by binary search over the
 * cumulative weights (built once, O(n) memory).
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
  ) {
    if (!(n >= 1)) throw new Error('Zipf needs at least one rank');
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 1; k <= n; k++) {
      sum += 1 / Math.pow(k, s);
      this.cumulative[k - 1] = sum;
    }
  }

  /** A rank in 1..n. */
  sample(rng: Rng): number {
    const target = rng.next() * this.cumulative[this.n - 1];
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }
}

/**
 * Room sizes: the room of rank k has about maxSize / k^s members (Zipf's law for sizes), at least
 * `minSize`. The first room is the largest; the long tail is small rooms and DMs.
 */
export function zipfRoomSizes(rooms: number, maxSize: number, s = 1, minSize = 2): number[] {
  return Array.from({ length: rooms }, (_, i) => Math.max(minSize, Math.round(maxSize / Math.pow(i + 1, s))));
}

export interface DeviceCountShape {
  /** Probabilities of exactly 1, 2 and 3 devices; the rest is the tail. */
  readonly oneToThree: readonly [number, number, number];
  /** Tail: 4 + a geometric number of extra devices with this mean, capped at `tailMax`. */
  readonly tailMean: number;
  readonly tailMax: number;
}

export const DEFAULT_DEVICE_SHAPE: DeviceCountShape = { oneToThree: [0.5, 0.3, 0.12], tailMean: 3, tailMax: 40 };

/** Devices of an ordinary account: mostly 1-3, a geometric tail beyond. */
export function sampleDeviceCount(rng: Rng, shape: DeviceCountShape = DEFAULT_DEVICE_SHAPE): number {
  const u = rng.next();
  const [p1, p2, p3] = shape.oneToThree;
  if (u < p1) return 1;
  if (u < p1 + p2) return 2;
  if (u < p1 + p2 + p3) return 3;
  const p = 1 / (1 + shape.tailMean);
  let extra = 0;
  while (rng.next() > p && extra < shape.tailMax - 4) extra++;
  return 4 + extra;
}

/** `count` distinct integers from [0, n), in the order drawn (partial Fisher-Yates over a sparse map). */
export function sampleDistinct(rng: Rng, n: number, count: number): number[] {
  const k = Math.min(count, n);
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const vj = swapped.get(j) ?? j;
    const vi = swapped.get(i) ?? i;
    swapped.set(j, vi);
    out.push(vj);
  }
  return out;
}
