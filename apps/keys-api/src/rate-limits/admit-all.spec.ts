import { admitAll } from './admit-all';
import { TokenBucketLimiter } from './token-bucket-limiter';

describe('admitAll', () => {
  const now = () => 0;

  it('takes one token of each distinct key, or none, and answers the longest wait', () => {
    const fast = new TokenBucketLimiter({ perSecond: 10, burst: 1 }, now);
    const slow = new TokenBucketLimiter({ perSecond: 1, burst: 1 }, now);
    expect(
      admitAll([
        [fast, 'a'],
        [fast, 'a'],
        [slow, 'a'],
      ]),
    ).toEqual({ admitted: true }); // 'a' of `fast` charged once
    expect(
      admitAll([
        [fast, 'b'],
        [fast, 'a'],
        [slow, 'a'],
      ]),
    ).toEqual({ admitted: false, retryAfterMs: 1_000 });
    expect(fast.waitMs('b')).toBe(0); // the refused request took nothing
  });
});
