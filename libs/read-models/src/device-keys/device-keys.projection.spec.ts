import { DomainEvent } from '@app/contracts';
import { UserDevicesDoc, deviceKeysProjection } from './device-keys.projection';

const USER = '@u:example.org';
const envelope = { schemaVersion: 1, key: USER, time: 1, correlationId: 'c', causationId: 'c' };
const uploaded = (deviceId: string, keysJson: string): DomainEvent => ({ ...envelope, id: `k-${deviceId}-${keysJson}`, type: 'DeviceKeysUploaded', data: { userId: USER, deviceId, keysJson } });
const renamed = (deviceId: string, displayName: string): DomainEvent => ({ ...envelope, id: `n-${deviceId}`, type: 'DeviceDisplayNameChanged', data: { userId: USER, deviceId, displayName } });
const deleted = (deviceId: string): DomainEvent => ({ ...envelope, id: `d-${deviceId}`, type: 'DeviceDeleted', data: { userId: USER, deviceId } });

const fold = (events: DomainEvent[]): UserDevicesDoc | null =>
  events.reduce<UserDevicesDoc | null>((doc, e, i) => deviceKeysProjection.evolve(doc, e, { partition: 0, offset: i }), null);

describe('device-keys projection: one document per user', () => {
  it('keys every event of a user to the same document, the user id', () => {
    expect(new Set([uploaded('A', '{}'), renamed('B', 'x'), deleted('A')].map((e) => deviceKeysProjection.documentId(e)))).toEqual(new Set([USER]));
  });

  it('keeps each device once, in first-seen order, with its latest keys and name', () => {
    const doc = fold([uploaded('A', '{"v":1}'), renamed('B', 'phone'), uploaded('B', '{"v":2}'), uploaded('A', '{"v":3}')]);
    expect(doc).toEqual({
      _id: USER,
      _meta: { partition: 0, offset: 3 },
      userId: USER,
      devices: [
        { deviceId: 'A', keysJson: '{"v":3}', displayName: null },
        { deviceId: 'B', keysJson: '{"v":2}', displayName: 'phone' },
      ],
    });
  });

  it('drops a deleted device, and the document with the last one', () => {
    expect(fold([uploaded('A', '{}'), uploaded('B', '{}'), deleted('A')])?.devices.map((d) => d.deviceId)).toEqual(['B']);
    expect(fold([uploaded('A', '{}'), deleted('A')])).toBeNull();
  });
});
