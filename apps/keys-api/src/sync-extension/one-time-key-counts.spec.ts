import { OneTimeKeysDoc } from '@app/read-models';
import { LogPositionedCache } from '../read-cache/log-positioned-cache';
import { OneTimeKeyCountsPorts, oneTimeKeyCounts } from './one-time-key-counts';

function ports(doc: Partial<OneTimeKeysDoc> | null) {
  const loads: [number, string, string][] = [];
  const p: OneTimeKeyCountsPorts = {
    cache: new LogPositionedCache<OneTimeKeysDoc>(10),
    partitionOf: () => 0,
    waitMs: 100,
    load: async (version, userId, deviceId) => (loads.push([version, userId, deviceId]), doc as OneTimeKeysDoc | null),
  };
  return { p, loads };
}

describe('oneTimeKeyCounts', () => {
  it('has none for a requester without a device, and reads nothing', async () => {
    const { p, loads } = ports(null);
    await expect(oneTimeKeyCounts(p, { userId: '@a:hs', deviceId: null }, 1, new Map(), true)).resolves.toEqual({});
    expect(loads).toEqual([]);
  });

  it("summarises the device's document from the store when this process has no copy", async () => {
    const { p, loads } = ports({
      counts: [
        { algorithm: 'signed_curve25519', count: 4 },
        { algorithm: 'other', count: 0 },
      ],
      fallbackKeys: [
        { algorithm: 'signed_curve25519', keyName: 'signed_curve25519:F', used: false },
        { algorithm: 'x', keyName: 'x:1', used: true },
      ],
    });
    await expect(oneTimeKeyCounts(p, { userId: '@a:hs', deviceId: 'PHONE' }, 3, new Map([[0, 9n]]), true)).resolves.toEqual({
      device_one_time_keys_count: { signed_curve25519: 4 },
      device_unused_fallback_key_types: ['signed_curve25519'],
    });
    expect(loads).toEqual([[3, '@a:hs', 'PHONE']]);
  });

  it('counts zero for a device without a document', async () => {
    const { p } = ports(null);
    await expect(oneTimeKeyCounts(p, { userId: '@a:hs', deviceId: 'PHONE' }, 3, new Map(), false)).resolves.toEqual({
      device_one_time_keys_count: { signed_curve25519: 0 },
      device_unused_fallback_key_types: [],
    });
  });
});
