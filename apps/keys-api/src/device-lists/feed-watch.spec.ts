import { DeviceListFeedDoc } from '@app/read-models';
import { FeedSources, FeedWatch, WatchedFeed } from './feed-watch';

/** In-memory notices and checkpoints, as the projector leaves them. */
function memorySources() {
  const notices = new Map<string, DeviceListFeedDoc[]>();
  const checkpoints = new Map<string, Map<number, string>>();
  const sources: FeedSources = {
    notices: async (feed, sinceMs) => (notices.get(feed) ?? []).filter((n) => n.at >= sinceMs),
    checkpoints: async (owner) => new Map(checkpoints.get(owner) ?? []),
  };
  const announce = (feed: string, partition: number, offset: number, users: string[]) => {
    const notice = { _id: JSON.stringify([partition, offset]), partition, offset, at: Date.now(), rooms: [], users };
    notices.set(feed, [...(notices.get(feed) ?? []), notice]);
  };
  const checkpoint = (owner: string, partition: number, offset: number) => checkpoints.set(owner, new Map([[partition, String(offset)]]));
  return { sources, announce, checkpoint };
}

const feeds: WatchedFeed[] = [{ feed: 'rm_device_lists_v1_feed', checkpointOwner: 'projection:device-lists:v1' }];
const log = { write: () => undefined };

describe('FeedWatch', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes a waiter only once the change that concerns it is readable (its checkpoint has passed it)', async () => {
    const store = memorySources();
    store.checkpoint('projection:device-lists:v1', 0, 9);
    const watch = new FeedWatch(store.sources, log);
    let woken: boolean | 'waiting' = 'waiting';
    void watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [9] }, 60_000).then((w) => (woken = w));
    // The projector announces offset 12 before it saves its checkpoint: a reader woken now would
    // read nothing new (its token stops at 9), wait again and be woken at once by the same notice.
    store.announce('rm_device_lists_v1_feed', 0, 12, ['@a:hs']);
    await jest.advanceTimersByTimeAsync(100);
    expect(woken).toBe('waiting');
    store.checkpoint('projection:device-lists:v1', 0, 12);
    await jest.advanceTimersByTimeAsync(25);
    expect(woken).toBe(true);
  });

  it('wakes at registration for a readable notice read before the waiter came', async () => {
    const store = memorySources();
    store.checkpoint('projection:device-lists:v1', 0, 12);
    store.announce('rm_device_lists_v1_feed', 0, 12, ['@b:hs']);
    const watch = new FeedWatch(store.sources, log);
    const other = watch.waitForChange(feeds, { userId: '@b:hs', rooms: new Set(), after: [9] }, 60_000);
    await jest.advanceTimersByTimeAsync(25);
    await expect(other).resolves.toBe(true);
    const late = watch.waitForChange(feeds, { userId: '@b:hs', rooms: new Set(), after: [9] }, 60_000);
    await expect(late).resolves.toBe(true);
  });

  it('times out when nothing concerns the waiter', async () => {
    const store = memorySources();
    store.announce('rm_device_lists_v1_feed', 0, 12, ['@someone-else:hs']);
    store.checkpoint('projection:device-lists:v1', 0, 12);
    const watch = new FeedWatch(store.sources, log);
    const waiting = watch.waitForChange(feeds, { userId: '@a:hs', rooms: new Set(), after: [9] }, 1_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(waiting).resolves.toBe(false);
  });
});
