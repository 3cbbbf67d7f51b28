import { acrossBuckets } from './bucket-writers';

/** A call of `apply` held open until the spec resolves it. */
function heldCalls() {
  const open: { share: string; resolve: (n: number) => void }[] = [];
  const apply = (share: string) => new Promise<number>((resolve) => open.push({ share, resolve }));
  return { open, apply };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('writing the buckets of a batch', () => {
  it('runs each share once, at most `writers` at once, and sums what they applied', async () => {
    const { open, apply } = heldCalls();
    const total = acrossBuckets(['a', 'b', 'c'], 2, apply);
    await settle();
    expect(open.map((c) => c.share)).toEqual(['a', 'b']);
    open[1].resolve(5); // b finishes first: its writer takes c
    await settle();
    expect(open.map((c) => c.share)).toEqual(['a', 'b', 'c']);
    open[0].resolve(1);
    open[2].resolve(2);
    expect(await total).toBe(8);
  });

  it('starts no more writers than there are shares, and none for an empty batch', async () => {
    const apply = jest.fn(async () => 1);
    expect(await acrossBuckets(['a'], 4, apply)).toBe(1);
    expect(await acrossBuckets([], 4, apply)).toBe(0);
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('fails when a share fails (the batch is retried)', async () => {
    await expect(acrossBuckets(['a', 'b'], 2, async (s) => (s === 'b' ? Promise.reject(new Error('store down')) : 1))).rejects.toThrow('store down');
  });
});
