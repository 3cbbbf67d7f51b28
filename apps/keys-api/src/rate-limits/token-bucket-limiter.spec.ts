import { TokenBucketLimiter } from './token-bucket-limiter';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Takes tokens of `key` while it has any; returns how many it got. */
function drain(limiter: TokenBucketLimiter, key: string): number {
  let taken = 0;
  while (limiter.waitMs(key) === 0 && taken < 10_000) {
    limiter.take(key);
    taken++;
  }
  return taken;
}

describe('TokenBucketLimiter', () => {
  it('allows a burst of `burst` requests at once, then none', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 2, burst: 5 }, clock.now);
    expect(drain(limiter, '@a:hs')).toBe(5);
    expect(limiter.waitMs('@a:hs')).toBeGreaterThan(0);
  });

  it('answers the wait until the next token, rounded up to a millisecond', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 4, burst: 1 }, clock.now);
    limiter.take('@a:hs');
    expect(limiter.waitMs('@a:hs')).toBe(250);
    clock.advance(100);
    expect(limiter.waitMs('@a:hs')).toBe(150);
    clock.advance(149);
    expect(limiter.waitMs('@a:hs')).toBe(1);
    clock.advance(1);
    expect(limiter.waitMs('@a:hs')).toBe(0);

    const slow = new TokenBucketLimiter({ perSecond: 3, burst: 1 }, clock.now);
    slow.take('@a:hs');
    expect(slow.waitMs('@a:hs')).toBe(334); // 333.33 ms: rounded up, never too early
  });

  it('refills at perSecond, never beyond burst', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 10, burst: 3 }, clock.now);
    drain(limiter, '@a:hs');
    clock.advance(200); // two tokens back
    expect(drain(limiter, '@a:hs')).toBe(2);
    clock.advance(60_000); // a minute idle: back to the burst, not 600
    expect(drain(limiter, '@a:hs')).toBe(3);
  });

  it('takes fractional rates: 0.5 a second is one token every 2 s', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 0.5, burst: 1 }, clock.now);
    limiter.take('@a:hs');
    expect(limiter.waitMs('@a:hs')).toBe(2_000);
    clock.advance(1_999);
    expect(limiter.waitMs('@a:hs')).toBe(1);
  });

  it('keeps keys independent', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 2 }, clock.now);
    expect(drain(limiter, '@a:hs')).toBe(2);
    expect(limiter.waitMs('@b:hs')).toBe(0);
    expect(drain(limiter, '@b:hs')).toBe(2);
    expect(limiter.waitMs('@a:hs')).toBe(1_000);
  });

  it('forgets buckets that refilled, at the next sweep', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 1, burst: 10 }, clock.now, { maxKeys: 1_000, sweepEveryMs: 60_000 });
    for (let i = 0; i < 100; i++) limiter.take(`@u${i}:hs`);
    expect(limiter.size).toBe(100);
    clock.advance(30_000);
    limiter.take('@late:hs'); // no sweep yet: within the interval
    expect(limiter.size).toBe(101);
    clock.advance(30_000);
    limiter.take('@later:hs'); // sweeps: the 100 are full again; '@late' (30 s ago) too; '@later' was just used
    expect(limiter.size).toBe(1);
  });

  it('keeps a bucket that is still refilling through a sweep', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 0.01, burst: 1 }, clock.now, { maxKeys: 1_000, sweepEveryMs: 1_000 });
    limiter.take('@drainer:hs');
    clock.advance(5_000);
    limiter.take('@other:hs');
    expect(limiter.waitMs('@drainer:hs')).toBe(95_000);
  });

  it('holds at most maxKeys buckets, dropping the least recently used', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 0.001, burst: 1 }, clock.now, { maxKeys: 3, sweepEveryMs: 60_000 });
    limiter.take('@a:hs');
    limiter.take('@b:hs');
    limiter.take('@c:hs');
    limiter.take('@d:hs'); // @a, least recently used, is dropped
    expect(limiter.size).toBe(3);
    expect(limiter.waitMs('@a:hs')).toBe(0);
    for (const key of ['@b:hs', '@c:hs', '@d:hs']) expect(limiter.waitMs(key)).toBeGreaterThan(0);

    for (let i = 0; i < 10_000; i++) limiter.take(`@flood${i}:hs`);
    expect(limiter.size).toBe(3);
  });

  it('keeps the bucket of a key in use when others flood in', () => {
    const clock = fakeClock();
    const limiter = new TokenBucketLimiter({ perSecond: 0.001, burst: 100 }, clock.now, { maxKeys: 3, sweepEveryMs: 60_000 });
    limiter.take('@drainer:hs');
    limiter.take('@x:hs');
    limiter.take('@drainer:hs'); // used again: now the most recent
    limiter.take('@y:hs');
    limiter.take('@z:hs'); // drops @x, not @drainer
    expect(drain(limiter, '@drainer:hs')).toBe(98);
  });
});
