import { LogPositionedCache } from './log-positioned-cache';

const targets = (entries: [number, number][]) => new Map(entries.map(([p, o]) => [p, BigInt(o)]));

const started = <T>(cache: LogPositionedCache<T>) => {
  cache.begin(0, 0n);
  return cache;
};

describe('LogPositionedCache', () => {
  it('answers from a copy only once the log has been seen up to the read target', async () => {
    const cache = new LogPositionedCache<string>(10);
    cache.begin(0, 3n);
    cache.put('@a', 0, 'v1', 5n, cache.generation);
    expect(cache.covers(targets([[0, 5]]))).toBe(false);
    const waiting = cache.waitUntilCovers(targets([[0, 5]]), 1000);
    cache.advanced(0, 5n);
    await expect(waiting).resolves.toBe(true);
    expect(cache.get('@a')).toBe('v1');
  });

  it('drops a copy when an event after it is seen', () => {
    const cache = started(new LogPositionedCache<string>(10));
    cache.put('@a', 0, 'v1', 5n, cache.generation);
    cache.changed('@a', 5n); // already in the copy
    expect(cache.get('@a')).toBe('v1');
    cache.changed('@a', 6n);
    expect(cache.get('@a')).toBeUndefined();
  });

  it('refuses a store read that completes after an event it may not contain (held read)', () => {
    const cache = started(new LogPositionedCache<string>(10));
    const generation = cache.generation; // the read starts: target offset 5
    cache.changed('@a', 7n); // the event arrives while the read is in flight
    cache.put('@a', 0, 'read before the event', 5n, generation);
    expect(cache.get('@a')).toBeUndefined();
  });

  it('drops a copy when an id it depends on changes after it (a room part and its members)', () => {
    const cache = started(new LogPositionedCache<string>(10));
    cache.put('r|!room|0', 0, 'part', 5n, cache.generation, ['u|@a', 'u|@b']);
    cache.changed('u|@a', 4n); // already in the copy
    expect(cache.get('r|!room|0')).toBe('part');
    cache.changed('u|@b', 6n);
    expect(cache.has('r|!room|0')).toBe(false);
    expect(cache.get('r|!room|0')).toBeUndefined();
  });

  it('refuses a store read completing after an event of an id it depends on (held read)', () => {
    const cache = started(new LogPositionedCache<string>(10));
    const generation = cache.generation; // the read of the part starts: target offset 5
    cache.changed('u|@a', 7n); // a member's device change arrives while the read is in flight
    cache.put('r|!room|0', 0, 'read before the change', 5n, generation, ['u|@a']);
    expect(cache.get('r|!room|0')).toBeUndefined();
  });

  it('refuses reads that started before everything was forgotten', () => {
    const cache = started(new LogPositionedCache<string>(10, 2));
    const generation = cache.generation;
    cache.changed('@x', 1n);
    cache.changed('@y', 1n);
    cache.changed('@z', 1n); // over the remembered bound: all forgotten
    cache.put('@a', 0, 'v', 5n, generation);
    expect(cache.get('@a')).toBeUndefined();
    cache.put('@a', 0, 'v', 5n, cache.generation);
    expect(cache.get('@a')).toBe('v');
  });

  it('keeps known-absent documents, evicts the least recently used past its size, and forgets on a version switch', () => {
    const cache = started(new LogPositionedCache<string>(2));
    cache.put('@none', 0, null, 1n, cache.generation);
    cache.put('@b', 0, 'b', 1n, cache.generation);
    expect(cache.get('@none')).toBeNull();
    cache.put('@c', 0, 'c', 1n, cache.generation); // @b is the least recently used now
    expect(cache.get('@b')).toBeUndefined();
    expect(cache.get('@c')).toBe('c');
    cache.useVersion(2);
    expect(cache.get('@c')).toBeUndefined();
  });

  it('refuses a copy read before the log reader began on its partition (an event in between would be missed)', () => {
    const cache = new LogPositionedCache<string>(10);
    cache.put('@a', 0, 'v', 5n, cache.generation); // reader not started on partition 0
    expect(cache.get('@a')).toBeUndefined();
    cache.begin(0, 9n); // events 6..8 would never be seen
    cache.put('@a', 0, 'v', 5n, cache.generation);
    expect(cache.get('@a')).toBeUndefined();
    cache.put('@a', 0, 'v', 8n, cache.generation);
    expect(cache.get('@a')).toBe('v');
  });

  it('gives up waiting after its timeout', async () => {
    jest.useFakeTimers();
    const cache = new LogPositionedCache<string>(10);
    await expect(cache.waitUntilCovers(targets([[1, 3]]), 50)).resolves.toBe(false); // reader not begun: no wait
    cache.begin(1, 0n);
    const waiting = cache.waitUntilCovers(targets([[1, 3]]), 50);
    jest.advanceTimersByTime(50);
    await expect(waiting).resolves.toBe(false);
    jest.useRealTimers();
  });
});
