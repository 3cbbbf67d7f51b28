import { applyToBucket } from './apply-to-bucket';
import { recorded } from './projection-harness';
import { ReplayMemory } from './replay-memory';
import { InMemoryCollection } from './in-memory-collection';
import { PoisonedEvent } from './poisoned-events';
import { UserDevicesDoc, deviceKeysProjection } from '../device-keys/device-keys.projection';

const uploaded = (offset: number, userId: string, deviceId = 'D') => recorded(offset, 'DeviceKeysUploaded', { userId, deviceId, keysJson: `{"at":${offset}}` });
const devicesOf = (doc: UserDevicesDoc | undefined) => doc?.devices.map((d) => d.deviceId);

describe("one bucket's share of a batch", () => {
  it('reads each touched document once, folds all its events, writes each changed document once', async () => {
    const store = new InMemoryCollection<UserDevicesDoc>();
    const events = [uploaded(1, '@a:x', 'D1'), uploaded(2, '@b:x'), uploaded(3, '@a:x', 'D2')];
    expect(await applyToBucket(store.collection, deviceKeysProjection, events, 100)).toBe(3);
    expect(store.log).toEqual(['find @a:x', 'find @b:x', 'insert @a:x,@b:x']);
    expect(devicesOf(store.docs.get('@a:x'))).toEqual(['D1', 'D2']);
    expect(store.docs.get('@a:x')?._meta.offset).toBe(3);
  });

  it('a redelivered share changes nothing and writes nothing', async () => {
    const store = new InMemoryCollection<UserDevicesDoc>();
    const events = [uploaded(1, '@a:x'), uploaded(2, '@a:x', 'E')];
    await applyToBucket(store.collection, deviceKeysProjection, events, 100);
    store.log.length = 0;
    expect(await applyToBucket(store.collection, deviceKeysProjection, events, 100)).toBe(0);
    expect(store.log).toEqual(['find @a:x']);
  });

  it('replaces a stored document and inserts a new one in the same share', async () => {
    const store = new InMemoryCollection<UserDevicesDoc>();
    await applyToBucket(store.collection, deviceKeysProjection, [uploaded(1, '@a:x')], 100);
    store.log.length = 0;
    expect(await applyToBucket(store.collection, deviceKeysProjection, [uploaded(2, '@a:x', 'E'), uploaded(3, '@b:x')], 100)).toBe(2);
    expect(store.log).toEqual(['find @a:x', 'find @b:x', 'insert @b:x', 'replace @a:x guarded']);
  });

  it('with a sink: an event evolve throws on is reported and the rest written', async () => {
    const store = new InMemoryCollection<UserDevicesDoc>();
    const poison = recorded(2, 'DeviceDisplayNameChanged', { userId: '@a:x' } as never);
    const poisoned: PoisonedEvent[] = [];
    const throwsOnRename = {
      ...deviceKeysProjection,
      evolve: (...args: Parameters<typeof deviceKeysProjection.evolve>) => {
        if (args[1].type === 'DeviceDisplayNameChanged') throw new Error('bad rename');
        return deviceKeysProjection.evolve(...args);
      },
    };
    expect(await applyToBucket(store.collection, throwsOnRename, [uploaded(1, '@a:x'), poison], 100, undefined, (p) => poisoned.push(p))).toBe(1);
    expect(poisoned.map((p) => p.recorded.offset)).toEqual(['2']);
    expect(store.docs.get('@a:x')?._meta.offset).toBe(1);
  });

  it('in a replay whose memory knows all it wrote: reads nothing from the store', async () => {
    const store = new InMemoryCollection<UserDevicesDoc>();
    const memory = new ReplayMemory<UserDevicesDoc>(10);
    await applyToBucket(store.collection, deviceKeysProjection, [uploaded(1, '@a:x')], 100, memory);
    await applyToBucket(store.collection, deviceKeysProjection, [uploaded(2, '@a:x', 'E'), uploaded(3, '@b:x')], 100, memory);
    expect(store.log).toEqual(['insert @a:x', 'insert @b:x', 'replace @a:x']);
    expect(devicesOf(store.docs.get('@a:x'))).toEqual(['D', 'E']);
  });
});
