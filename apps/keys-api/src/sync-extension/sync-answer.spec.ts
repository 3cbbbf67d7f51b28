import { decodeStreamToken } from '@app/contracts';
import { answersNow, syncResponse } from './sync-answer';
import { Round } from './sync-round';

const round = (changes: Round['changes'], events: number): Round => ({
  next: [4, 2],
  inbox: { events: Array.from({ length: events }, () => ({ sender: '@b:hs', type: 'm.x', content: {} })) },
  changes,
});
const nothing = { changed: [], left: [], joinedRooms: ['!r'] };

describe('sync answer', () => {
  it('answers an initial sync, news, or a sync out of time; waits otherwise', () => {
    expect(answersNow(round(null, 0), 1000)).toBe(true);
    expect(answersNow(round({ ...nothing, changed: ['@c:hs'] }, 0), 1000)).toBe(true);
    expect(answersNow(round({ ...nothing, left: ['@c:hs'] }, 0), 1000)).toBe(true);
    expect(answersNow(round(nothing, 1), 1000)).toBe(true);
    expect(answersNow(round(nothing, 0), 0)).toBe(true);
    expect(answersNow(round(nothing, 0), 1)).toBe(false);
  });

  it('carries device lists only with `since`, to-device only for a device, and the key counts given', () => {
    const counts = { device_one_time_keys_count: { signed_curve25519: 3 }, device_unused_fallback_key_types: [] };
    const forDevice = syncResponse(round({ ...nothing, changed: ['@c:hs'] }, 1), true, counts);
    expect(decodeStreamToken(forDevice.next_batch)).toEqual([4, 2]);
    expect(forDevice).toMatchObject({ device_lists: { changed: ['@c:hs'], left: [] }, to_device: { events: [{ sender: '@b:hs' }] }, ...counts });
    expect(forDevice.device_lists).not.toHaveProperty('joinedRooms');
    const initialWithoutDevice = syncResponse(round(null, 0), false, {});
    expect(Object.keys(initialWithoutDevice)).toEqual(['next_batch']);
  });
});
