import { TokenBucketLimiter } from './token-bucket-limiter';

export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterMs: number };

/**
 * One token from each (limiter, key), all or nothing: a refused request costs no bucket anything
 * (as Synapse's `can_do_action` counts only allowed actions), and the wait is the longest one.
 * A key named twice in one request is charged once.
 */
export function admitAll(wants: readonly (readonly [TokenBucketLimiter, string])[]): Admission {
  const distinct = new Map<TokenBucketLimiter, Set<string>>();
  for (const [limiter, key] of wants) (distinct.get(limiter) ?? distinct.set(limiter, new Set()).get(limiter)!).add(key);
  let retryAfterMs = 0;
  for (const [limiter, keys] of distinct) for (const key of keys) retryAfterMs = Math.max(retryAfterMs, limiter.waitMs(key));
  if (retryAfterMs > 0) return { admitted: false, retryAfterMs };
  for (const [limiter, keys] of distinct) for (const key of keys) limiter.take(key);
  return { admitted: true };
}
