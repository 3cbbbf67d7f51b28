/**
 * Runs `apply` on each bucket's share of a batch, at most `writers` at once (buckets are
 * independent collections; each writer holds up to a bulk chunk of statements open on the
 * store's pool). Returns the sum of what the calls return; the first failure fails the whole.
 */
export async function acrossBuckets<T>(work: readonly T[], writers: number, apply: (share: T) => Promise<number>): Promise<number> {
  let total = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(writers, work.length) }, async () => {
      while (next < work.length) {
        const done = await apply(work[next++]); // not `total += await`: it would read `total` before the wait
        total += done;
      }
    }),
  );
  return total;
}
