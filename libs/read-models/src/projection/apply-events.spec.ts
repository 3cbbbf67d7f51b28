import { Collection, Db, Document } from 'mongodb';
import { applyEvents, projectEvents } from './apply-events';
import { recorded } from './projection-harness';
import { ReplayMemory } from './replay-memory';
import { ProjectionBuckets } from './buckets';
import { CustomProjection } from './projection';
import { inMemoryBuckets } from './in-memory-collection';
import { UserDevicesDoc, deviceKeysProjection } from '../device-keys/device-keys.projection';

const uploaded = (offset: number, userId: string) => recorded(offset, 'DeviceKeysUploaded', { userId, deviceId: 'D', keysJson: '{}' });
const claimed = recorded(9, 'OneTimeKeyClaimed', { userId: '@a:x', deviceId: 'D', algorithm: 'a', keyName: 'a:1', claimedBy: '@b:x|B' });
const users = ['@a:x', '@b:x', '@c:x', '@d:x', '@e:x', '@f:x'];
const tuning = { bulkChunk: 100, bucketWriters: 2 };

describe('applying a batch to a projection (the composition)', () => {
  it("puts each declared event's document in the bucket of its key, and counts the events that changed one", async () => {
    const { buckets, collections } = inMemoryBuckets<UserDevicesDoc>(4);
    const batch = [...users.map((u, i) => uploaded(i + 1, u)), claimed];
    expect(await applyEvents(buckets, deviceKeysProjection, batch, tuning)).toBe(users.length);
    for (const user of users) {
      const holding = [...collections.values()].filter((c) => c.docs.has(user));
      expect(holding.map((c) => c.collection)).toEqual([buckets.of(user)]);
    }
    expect([...collections.values()].filter((c) => c.docs.size > 0).length).toBeGreaterThan(1); // the batch did spread
    expect(await applyEvents(buckets, deviceKeysProjection, batch, tuning)).toBe(0); // redelivered
  });

  it('a deferring replay holds its documents; flushed first when the next batch would overflow the memory', async () => {
    const { buckets, collections } = inMemoryBuckets<UserDevicesDoc>(1);
    const store = [...collections.values()];
    const memory = new ReplayMemory<UserDevicesDoc>(2, true);
    await applyEvents(buckets, deviceKeysProjection, [uploaded(1, '@a:x'), uploaded(2, '@b:x')], tuning, memory);
    expect(store[0].log).toEqual([]);
    await applyEvents(buckets, deviceKeysProjection, [uploaded(3, '@c:x')], tuning, memory);
    // @a and @b flushed; the memory still knew all it wrote (no read), but @c overflows it: a guarded write.
    expect(store[0].log).toEqual(['insert @a:x,@b:x', 'insert @c:x']);
    expect([memory.defers, memory.complete]).toEqual([false, false]);
  });

  it('projectEvents gives a custom projection the whole batch and its single collection', async () => {
    const buckets = inMemoryBuckets(1).buckets as unknown as ProjectionBuckets;
    const apply = jest.fn(async (_c: Collection<Document>, events: readonly unknown[]) => events.length);
    const custom: CustomProjection = { name: 'custom', handles: [], indexes: [], apply };
    const context = { db: {} as Db, version: 1, live: true, tuning };
    expect(await projectEvents(buckets, custom, [claimed, claimed], context)).toBe(2);
    expect(apply).toHaveBeenCalledWith(buckets.single(), [claimed, claimed], context);
  });
});
