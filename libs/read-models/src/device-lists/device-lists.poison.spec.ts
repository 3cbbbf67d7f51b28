import { Db } from 'mongodb';
import { recorded } from '../projection/projection-harness';
import { InMemoryCollection } from '../projection/in-memory-collection';
import { PoisonedEvent } from '../projection/poisoned-events';
import { ProjectionContext } from '../projection/projection';
import { userDocId } from './device-list-docs';
import { deviceListsProjection } from './device-lists.projection';

const ALICE = '@alice:example.org';
const ROOM = '!room:example.org';
const joined = (offset: number) => recorded(offset, 'MembershipChanged', { userId: ALICE, roomId: ROOM, membership: 'join' });
const deviceUploaded = (offset: number) => recorded(offset, 'DeviceKeysUploaded', { userId: ALICE, deviceId: `D${offset}`, keysJson: '{}' });
/** Declared and decodable, but the fold throws on it: no signature list. */
const poison = (offset: number) => recorded(offset, 'SignaturesUploaded', { userId: ALICE } as never);

const context = (poisoned?: (p: PoisonedEvent) => void): ProjectionContext => ({
  db: {} as Db,
  version: 1,
  live: false,
  tuning: { bulkChunk: 8, bucketWriters: 1 },
  poisoned,
});

describe('device-lists projection: an event its batch fold throws on', () => {
  it('with a sink: is reported, and the rest of the batch is written', async () => {
    const store = new InMemoryCollection();
    const reported: string[] = [];
    const applied = await deviceListsProjection.apply(
      store.collection as never,
      [joined(1), poison(2), deviceUploaded(3)],
      context((p) => reported.push(p.recorded.offset)),
    );
    expect(applied).toBe(2);
    expect(reported).toEqual(['2']);
    expect(store.docs.get(userDocId(ALICE))?._meta?.offset).toBe(3);
  });

  it('without one: the batch fails and nothing is written', async () => {
    const store = new InMemoryCollection();
    await expect(deviceListsProjection.apply(store.collection as never, [joined(1), poison(2), deviceUploaded(3)], context())).rejects.toThrow();
    expect(store.docs.size).toBe(0);
  });
});
