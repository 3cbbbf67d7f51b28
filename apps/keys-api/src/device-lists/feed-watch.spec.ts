import { FEED_RING_NOTICES, WakeUpFeedDoc, withNotice } from '@app/read-models';
import { FeedSources, FeedWatch, WatchedFeed } from './feed-watch';

/** In-memory rings and checkpoints, as the projector leaves them (the same pure ring update). */
function memorySources() {
  const rings = new Map<string, Map<number, WakeUpFeedDoc>>();
  const checkpoints = new Map<string, Map<number, string>>();
  const reads: { feed: string; partitions: number[] }[] = [];
  const sources: FeedSources = {
    rings: async (feed, partitions) => {
      reads.push({ feed, partitions: [...partitions] });
      return partitions.flatMap((p) => rings.get(feed)?.get(p) ?? []);
    },
    checkpoints: async (owner) => new Map(checkpoints.get(owner) ?? []),
  };
  const announce = (feed: string, partition: number, offset: number, users: string[], rooms: string[] = []) => {
    const feedRings = rings.get(feed) ?? new Map<number, WakeUpFeedDoc>();
    rings.set(feed, feedRings);
    // Rings here have been written since the start of the log (a new ring knows nothing before its first notice).
    const ring = feedRings.get(partition) ?? withNotice(null, partition, { offset: 0, at: 0, rooms: [], users: [] });
    feedRings.set(partition, withNotice(ring, partition, { offset, at: 0, rooms, users }));
  };
  const checkpoint = (owner: string, partition: number, offset: number) => {
    const map = checkpoints.get(owner) ?? new Map<number, string>();
    checkpoints.set(owner, map);
    map.set(partition, String(offset));
  };
  return { sources, announce, checkpoint, reads };
}

const DL = { feed: 'rm_device_lists_v1_feed', checkpointOwner: 'projection:device-lists:v1' };
const TD = { feed: 'rm_to_device_v1_feed', checkpointOwner: 'projection:to-device:v1' };
const feeds: WatchedFeed[] = [DL];
const log = { write: () => undefined };

describe('FeedWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes a waiter only once the change that concerns it is readable (its checkpoint has passed it)', async () => {
    const store = memorySources();
    store.checkpoint(DL.checkpointOwner, 0, 9);
    const watch = new FeedWatch(store.sources, log);
    let woken: boolean | 'waiting' = 'waiting';
    void watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [9] }, 60_000).then((w) => (woken = w));
    // The projector announces offset 12 before it saves its checkpoint: a reader woken now would
    // read nothing new (its token stops at 9), wait again and be woken at once by the same notice.
    store.announce(DL.feed, 0, 12, ['@a:hs']);
    await jest.advanceTimersByTimeAsync(100);
    expect(woken).toBe('waiting');
    store.checkpoint(DL.checkpointOwner, 0, 12);
    await jest.advanceTimersByTimeAsync(25);
    expect(woken).toBe(true);
  });

  it('wakes at registration for a readable notice read before the waiter came', async () => {
    const store = memorySources();
    store.checkpoint(DL.checkpointOwner, 0, 12);
    store.announce(DL.feed, 0, 12, ['@b:hs']);
    const watch = new FeedWatch(store.sources, log);
    const other = watch.waitForChange(feeds, { userId: '@b:hs', rooms: new Set(), after: [9] }, 60_000);
    await jest.advanceTimersByTimeAsync(25);
    await expect(other).resolves.toBe(true);
    const late = watch.waitForChange(feeds, { userId: '@b:hs', rooms: new Set(), after: [9] }, 60_000);
    await expect(late).resolves.toBe(true);
  });

  it('wakes a waiter whose token is older than a ring (begun after a replay): what came before it is unknown', async () => {
    const store = memorySources();
    const rings = new Map([[0, withNotice(null, 0, { offset: 12, at: 0, rooms: [], users: ['@someone-else:hs'] })]]);
    const sources = { ...store.sources, rings: async () => [...rings.values()] };
    const fresh = new FeedWatch(sources, log);
    store.checkpoint(DL.checkpointOwner, 0, 12);
    const behind = fresh.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [9] }, 1_000);
    const current = fresh.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [11] }, 1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(behind).resolves.toBe(true);
    await expect(current).resolves.toBe(false);
  });

  it('times out when nothing concerns the waiter', async () => {
    const store = memorySources();
    store.announce(DL.feed, 0, 12, ['@someone-else:hs']);
    store.checkpoint(DL.checkpointOwner, 0, 12);
    const watch = new FeedWatch(store.sources, log);
    const waiting = watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [9] }, 1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(waiting).resolves.toBe(false);
  });

  it('wakes on a room the waiter is in, and not for a notice at or below its token', async () => {
    const store = memorySources();
    store.announce(DL.feed, 1, 5, ['@c:hs'], ['!room:hs']);
    store.checkpoint(DL.checkpointOwner, 1, 5);
    const watch = new FeedWatch(store.sources, log);
    const answered = watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(['!room:hs']), after: [-1, 5] }, 1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(answered).resolves.toBe(false);
    const behind = watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(['!room:hs']), after: [-1, 4] }, 1_000);
    await jest.advanceTimersByTimeAsync(25);
    await expect(behind).resolves.toBe(true);
  });

  it('with two feeds, waits until both checkpoints cover the notice (the token is their minimum)', async () => {
    const store = memorySources();
    store.checkpoint(DL.checkpointOwner, 0, 3);
    store.checkpoint(TD.checkpointOwner, 0, 3);
    const watch = new FeedWatch(store.sources, log);
    let woken: boolean | 'waiting' = 'waiting';
    void watch.waitForChange([DL, TD], { userId: '@a:hs', rooms: new Set(), after: [3] }, 60_000).then((w) => (woken = w));
    store.announce(TD.feed, 0, 7, ['@a:hs']);
    store.checkpoint(TD.checkpointOwner, 0, 7);
    await jest.advanceTimersByTimeAsync(100);
    expect(woken).toBe('waiting'); // the device-lists checkpoint (3) still holds the token back
    store.checkpoint(DL.checkpointOwner, 0, 7);
    await jest.advanceTimersByTimeAsync(25);
    expect(woken).toBe(true);
  });

  it('reads a ring only when its checkpoint moved', async () => {
    const store = memorySources();
    store.checkpoint(DL.checkpointOwner, 0, 3);
    store.checkpoint(DL.checkpointOwner, 1, 3);
    const watch = new FeedWatch(store.sources, log);
    const waiting = watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [3, 3] }, 1_000);
    await jest.advanceTimersByTimeAsync(100);
    expect(store.reads).toEqual([{ feed: DL.feed, partitions: [0, 1] }]);
    store.checkpoint(DL.checkpointOwner, 1, 4);
    await jest.advanceTimersByTimeAsync(25);
    expect(store.reads[1]).toEqual({ feed: DL.feed, partitions: [1] });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(waiting).resolves.toBe(false);
  });

  it('loses no wake-up when the ring overflowed before it was read: a waiter behind the dropped notices is woken', async () => {
    const store = memorySources();
    store.checkpoint(DL.checkpointOwner, 0, 9);
    const watch = new FeedWatch(store.sources, log);
    let behind: boolean | 'waiting' = 'waiting';
    let ahead: boolean | 'waiting' = 'waiting';
    void watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [9] }, 60_000).then((w) => (behind = w));
    await jest.advanceTimersByTimeAsync(25);
    // Between two reads, the concerning notice (10) and then a ring's worth of others are written.
    store.announce(DL.feed, 0, 10, ['@a:hs']);
    for (let i = 1; i <= FEED_RING_NOTICES; i++) store.announce(DL.feed, 0, 10 + i, ['@other:hs']);
    const end = 10 + FEED_RING_NOTICES;
    store.checkpoint(DL.checkpointOwner, 0, end);
    void watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [10] }, 1_000).then((w) => (ahead = w));
    await jest.advanceTimersByTimeAsync(25);
    expect(behind).toBe(true);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(ahead).toBe(false); // its token is past the dropped notice, and nothing kept concerns it
  });

  it('wakes everyone behind a notice too large to list its users', async () => {
    const store = memorySources();
    store.announce(
      DL.feed,
      0,
      12,
      Array.from({ length: 5_000 }, (_, i) => `@u${i}:hs`),
    );
    store.checkpoint(DL.checkpointOwner, 0, 12);
    const watch = new FeedWatch(store.sources, log);
    const waiting = watch.waitForChange(feeds, { userId: '@not-listed:hs', rooms: new Set(), after: [9] }, 1_000);
    await jest.advanceTimersByTimeAsync(25);
    await expect(waiting).resolves.toBe(true);
  });
});
