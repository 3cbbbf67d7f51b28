/** The clock port: milliseconds on a clock that does not go back (a fake one in tests). */
export type Now = () => number;

/** Synapse's `per_second` and `burst_count`: a bucket of `burst` tokens refilled at `perSecond`. */
export interface BucketRule {
  readonly perSecond: number;
  readonly burst: number;
}

export interface LimiterBounds {
  /** Most buckets kept; beyond it the least recently used one is dropped. */
  readonly maxKeys: number;
  /** How often full buckets are swept out (a full bucket is the same as none). */
  readonly sweepEveryMs: number;
}

/** 100,000 buckets (a user id and a number, ~100 bytes): ~10 MB at worst per limiter. Swept once a minute, as Synapse does. */
export const DEFAULT_BOUNDS: LimiterBounds = { maxKeys: 100_000, sweepEveryMs: 60_000 };

/**
 * One token bucket per key (a user id). A request takes one token; tokens come back at
 * `perSecond` up to `burst`. A bucket is kept as the time it will be full again (GCRA's
 * "theoretical arrival time"): `burst - (fullAt - now) / interval` tokens are in it, and time is
 * all it needs, in exact milliseconds. A full bucket is the same as none, so only buckets used in
 * the last `burst / perSecond` seconds are kept, and `maxKeys` caps them (dropping one only
 * forgives that key what it had used).
 */
export class TokenBucketLimiter {
  /** Per key, when its bucket is full again; in order of last use, the least recently used first. */
  private readonly fullAt = new Map<string, number>();
  /** Milliseconds per token. */
  private readonly interval: number;
  /** How far ahead of now `fullAt` may be after a take: the whole burst. */
  private readonly capacityMs: number;
  private lastSweep: number;

  constructor(
    rule: BucketRule,
    private readonly now: Now,
    private readonly bounds: LimiterBounds = DEFAULT_BOUNDS,
  ) {
    this.interval = 1000 / rule.perSecond;
    this.capacityMs = rule.burst * this.interval;
    this.lastSweep = now();
  }

  /** Milliseconds until `key` has a token; 0 when it has one now. Takes nothing. */
  waitMs(key: string): number {
    const now = this.now();
    return Math.max(0, Math.ceil(this.fullAfterTake(key, now) - now - this.capacityMs));
  }

  /** Takes one token of `key` (after `waitMs` answered 0). */
  take(key: string): void {
    const now = this.now();
    const fullAt = this.fullAfterTake(key, now);
    this.fullAt.delete(key); // re-inserted last: most recently used
    this.fullAt.set(key, fullAt);
    if (this.fullAt.size > this.bounds.maxKeys) this.fullAt.delete(this.fullAt.keys().next().value!);
    this.sweep(now);
  }

  /** Buckets held (for the memory bound). */
  get size(): number {
    return this.fullAt.size;
  }

  private fullAfterTake(key: string, now: number): number {
    return Math.max(this.fullAt.get(key) ?? now, now) + this.interval;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.bounds.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [key, fullAt] of this.fullAt) if (fullAt <= now) this.fullAt.delete(key);
  }
}
