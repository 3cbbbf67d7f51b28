import { declarativeApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { StoredDevice, UserDevicesDoc, deviceKeysProjection } from './device-keys.projection';

const USER = '@u:example.org';
const uploaded = (offset: number, deviceId: string, keysJson: string) => recorded(offset, 'DeviceKeysUploaded', { userId: USER, deviceId, keysJson });
const renamed = (offset: number, deviceId: string, displayName: string) =>
  recorded(offset, 'DeviceDisplayNameChanged', { userId: USER, deviceId, displayName });
const deleted = (offset: number, deviceId: string) => recorded(offset, 'DeviceDeleted', { userId: USER, deviceId });

const spec = projectionSpec(declarativeApplier(deviceKeysProjection));
const userDoc = (offset: number, devices: StoredDevice[]): UserDevicesDoc => ({ _id: USER, _meta: { partition: 0, offset }, userId: USER, devices });
const tombstone = (offset: number) => ({ _id: USER, _meta: { partition: 0, offset }, deleted: true }) as unknown as UserDevicesDoc;

describe('device-keys projection: one document per user', () => {
  it('keys every event of a user to the same document, the user id', () => {
    expect(new Set([uploaded(0, 'A', '{}'), renamed(1, 'B', 'x'), deleted(2, 'A')].map((e) => deviceKeysProjection.documentId(e.event)))).toEqual(
      new Set([USER]),
    );
  });

  it('keeps each device once, in first-seen order, with its latest keys and name', async () => {
    await spec.given([uploaded(0, 'A', '{"v":1}'), renamed(1, 'B', 'phone'), uploaded(2, 'B', '{"v":2}'), uploaded(3, 'A', '{"v":3}')]).expect([
      userDoc(3, [
        { deviceId: 'A', keysJson: '{"v":3}', displayName: null },
        { deviceId: 'B', keysJson: '{"v":2}', displayName: 'phone' },
      ]),
    ]);
  });

  it('drops a deleted device, and the document with the last one (a tombstone at its position)', async () => {
    await spec
      .given([uploaded(0, 'A', '{}'), uploaded(1, 'B', '{}'), deleted(2, 'A')])
      .expect([userDoc(2, [{ deviceId: 'B', keysJson: '{}', displayName: null }])]);
    await spec.given([uploaded(0, 'A', '{}'), deleted(1, 'A')]).expect([tombstone(1)]);
  });

  it('changes nothing when a batch is delivered twice', async () => {
    const batch = [uploaded(0, 'A', '{"v":1}'), renamed(1, 'A', 'phone')];
    await spec.given(batch, batch).expect([userDoc(1, [{ deviceId: 'A', keysJson: '{"v":1}', displayName: 'phone' }])]);
  });

  it('ignores an older event after a newer one, and does not resurrect a deleted device', async () => {
    await spec
      .given([uploaded(4, 'A', '{"v":"new"}')], [uploaded(2, 'A', '{"v":"old"}')])
      .expect([userDoc(4, [{ deviceId: 'A', keysJson: '{"v":"new"}', displayName: null }])]);
    await spec.given([uploaded(0, 'A', '{}'), deleted(1, 'A')], [uploaded(0, 'A', '{}')]).expect([tombstone(1)]);
  });
});
