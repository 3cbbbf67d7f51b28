import { cachedPointRead } from './cached-point-read';
import { LogPositionedCache } from './log-positioned-cache';

/** A store read the test completes when it chooses, recording what it was asked for. */
function heldStore(docs: Record<string, string>) {
  const asked: string[][] = [];
  let release!: () => void;
  let gate = Promise.resolve();
  return {
    asked,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
      return () => release();
    },
    load: async (ids: readonly string[]) => {
      asked.push([...ids]);
      await gate;
      return { docs: new Map(ids.map((id) => [id, docs[id] ?? null])), exact: true };
    },
  };
}

const read = (cache: LogPositionedCache<string>, store: ReturnType<typeof heldStore>, ids: string[], target: number) =>
  cachedPointRead({ cache, ids, partitionOf: () => 0, targets: new Map([[0, BigInt(target)]]), waitMs: 1000, load: store.load });

describe('cachedPointRead', () => {
  it('reads misses from the store once, then answers from memory while the log says nothing changed', async () => {
    const cache = new LogPositionedCache<string>(10);
    cache.begin(0, 0n);
    cache.advanced(0, 4n);
    const store = heldStore({ '@a': 'A1' });
    expect(await read(cache, store, ['@a', '@none'], 4)).toEqual(
      new Map([
        ['@a', 'A1'],
        ['@none', null],
      ]),
    );
    expect(await read(cache, store, ['@a', '@none'], 4)).toEqual(
      new Map([
        ['@a', 'A1'],
        ['@none', null],
      ]),
    );
    expect(store.asked).toEqual([['@a', '@none']]);
  });

  it('never answers a copy older than an event up to the target, even when the event lands during the store read', async () => {
    const cache = new LogPositionedCache<string>(10);
    cache.begin(0, 0n);
    cache.advanced(0, 4n);
    const store = heldStore({ '@a': 'A1' });
    const release = store.hold();
    const first = read(cache, store, ['@a'], 4);
    cache.changed('@a', 5n); // an upload of @a is applied while the read is held
    cache.advanced(0, 5n);
    release();
    expect(await first).toEqual(new Map([['@a', 'A1']])); // correct for its own target
    store.hold()(); // no longer held
    await read(cache, store, ['@a'], 5);
    expect(store.asked).toEqual([['@a'], ['@a']]); // the copy was not kept: read again
  });

  it('does not keep what a store that had not caught up returned', async () => {
    const cache = new LogPositionedCache<string>(10);
    cache.begin(0, 0n);
    const load = async (ids: readonly string[]) => ({ docs: new Map(ids.map((id) => [id, 'stale'])), exact: false });
    await cachedPointRead({ cache, ids: ['@a'], partitionOf: () => 0, targets: new Map([[0, 3n]]), waitMs: 10, load });
    expect(cache.has('@a')).toBe(false);
  });

  it('shares a store read under way with reads whose targets it covers, and only those', async () => {
    const cache = new LogPositionedCache<string>(10);
    cache.begin(0, 0n);
    cache.advanced(0, 9n);
    const store = heldStore({ '@a': 'A1', '@b': 'B1' });
    const release = store.hold();
    const first = read(cache, store, ['@a'], 5);
    const same = read(cache, store, ['@a', '@b'], 5); // @a shared, @b read
    const later = read(cache, store, ['@a'], 6); // a later target: not covered by the first read
    release();
    expect(await first).toEqual(new Map([['@a', 'A1']]));
    expect(await same).toEqual(
      new Map([
        ['@a', 'A1'],
        ['@b', 'B1'],
      ]),
    );
    expect(await later).toEqual(new Map([['@a', 'A1']]));
    expect(store.asked).toEqual([['@a'], ['@b'], ['@a']]);
  });

  it('fails a read that shared a store read which failed', async () => {
    const cache = new LogPositionedCache<string>(10);
    cache.begin(0, 0n);
    let fail!: (e: Error) => void;
    const load = () => new Promise<never>((_, reject) => (fail = reject));
    const first = cachedPointRead({ cache, ids: ['@a'], partitionOf: () => 0, targets: new Map([[0, 3n]]), waitMs: 10, load });
    const second = cachedPointRead({ cache, ids: ['@a'], partitionOf: () => 0, targets: new Map([[0, 3n]]), waitMs: 10, load });
    fail(new Error('store down'));
    await expect(first).rejects.toThrow('store down');
    await expect(second).rejects.toThrow('store down');
  });
});
