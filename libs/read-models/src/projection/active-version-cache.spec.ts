import { ActiveVersionCache } from './active-version-cache';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A store whose reads are answered by the test, in any order, with the version active when each read ran. */
function heldStore() {
  const reads: ((version: number) => void)[] = [];
  const source = (_name: string) => new Promise<number>((resolve) => reads.push(resolve));
  return { reads, source };
}

describe('ActiveVersionCache', () => {
  it('never goes back to a version older than one it already answered', async () => {
    const store = heldStore();
    const cache = new ActiveVersionCache(store.source, 500, () => 0);
    const before = cache.active('device-keys'); // read before replay activates v2
    const after = cache.active('device-keys'); // read after
    await tick();
    const [newest, ...older] = [...store.reads].reverse();
    newest(2);
    await tick();
    for (const read of older) read(1); // the older read completes last
    const answers = await Promise.all([before, after]);
    await expect(cache.active('device-keys')).resolves.toBe(Math.max(...answers));
    expect(store.reads).toHaveLength(1); // one read in flight per projection
  });

  it('reads again once the cached answer is older than cacheMs', async () => {
    let now = 0;
    const store = heldStore();
    const cache = new ActiveVersionCache(store.source, 500, () => now);
    const first = cache.active('p');
    await tick();
    store.reads[0](1);
    await expect(first).resolves.toBe(1);
    now = 499;
    await expect(cache.active('p')).resolves.toBe(1);
    now = 500;
    const second = cache.active('p');
    await tick();
    store.reads[1](2);
    await expect(second).resolves.toBe(2);
  });
});
