import { keyserverHasNews, mergeSync } from './merge-sync';
import { decodeSyncToken } from './sync-token';

const ours = {
  next_batch: 'k1_5',
  device_lists: { changed: ['@b:x'], left: ['@c:x'] },
  to_device: { events: [{ sender: '@b:x', type: 't', content: {} }] },
  device_one_time_keys_count: { signed_curve25519: 50 },
  device_unused_fallback_key_types: ['signed_curve25519'],
};

describe('mergeSync', () => {
  it("keeps the homeserver's answer and replaces its E2EE parts with ours", () => {
    const theirs = {
      next_batch: 's2',
      rooms: { join: { '!r:x': { timeline: { events: [] } } } },
      account_data: { events: [] },
      device_lists: { changed: ['@stale:x'] },
      to_device: { events: [{ type: 'theirs' }] },
      device_one_time_keys_count: { signed_curve25519: 0 },
      device_unused_fallback_key_types: [],
      'org.matrix.msc2732.device_unused_fallback_key_types': [],
    };
    const merged = mergeSync(theirs, 's1', ours, false);
    expect(merged).toEqual({
      next_batch: merged.next_batch,
      rooms: theirs.rooms,
      account_data: theirs.account_data,
      device_lists: ours.device_lists,
      to_device: ours.to_device,
      device_one_time_keys_count: ours.device_one_time_keys_count,
      device_unused_fallback_key_types: ours.device_unused_fallback_key_types,
    });
    expect(decodeSyncToken(merged.next_batch as string)).toEqual({ homeserver: 's2', keyserver: 'k1_5' });
  });

  it('leaves device_lists out of an initial sync', () => {
    const merged = mergeSync({ next_batch: 's1' }, null, ours, true);
    expect(merged.device_lists).toBeUndefined();
    expect(merged.to_device).toEqual(ours.to_device);
  });

  it('keeps the homeserver position when only the key server answered', () => {
    const merged = mergeSync(null, 's1', ours, false);
    expect(Object.keys(merged).sort()).toEqual(['device_lists', 'device_one_time_keys_count', 'device_unused_fallback_key_types', 'next_batch', 'to_device']);
    expect(decodeSyncToken(merged.next_batch as string)).toEqual({ homeserver: 's1', keyserver: 'k1_5' });
  });

  it('fills the parts the key server left out with empty ones', () => {
    const merged = mergeSync({ next_batch: 's2' }, 's1', { next_batch: 'k1_6' }, false);
    expect(merged).toMatchObject({ to_device: { events: [] }, device_one_time_keys_count: {}, device_unused_fallback_key_types: [] });
    expect(merged.device_lists).toBeUndefined();
  });
});

describe('keyserverHasNews', () => {
  it('is true for to-device messages or device-list changes only', () => {
    expect(keyserverHasNews(ours)).toBe(true);
    expect(keyserverHasNews({ next_batch: 'k', device_lists: { changed: [], left: ['@c:x'] } })).toBe(true);
    expect(
      keyserverHasNews({ next_batch: 'k', device_lists: { changed: [], left: [] }, to_device: { events: [] }, device_one_time_keys_count: { a: 1 } }),
    ).toBe(false);
  });
});
