import { BatchApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { declaredEvents } from '../projection/projection';
import { DeviceListDoc, DeviceListEvent, RoomPartDoc, UserListDoc, applyToDocs, encryptionDocId, roomPartId, userDocId } from './device-list-docs';
import { deviceListsProjection } from './device-lists.projection';

/** The projection's fold without Mongo: its declared events, each applied where its position guard allows (device-list-docs.ts). */
const applyBatch: BatchApplier<DeviceListDoc> = (docs, batch) => {
  for (const e of declaredEvents<DeviceListEvent>(deviceListsProjection, batch)) applyToDocs(docs, e);
};
const spec = projectionSpec(applyBatch);

const ALICE = '@alice:example.org';
const ROOM = '!room:example.org';
const joined = (offset: number) => recorded(offset, 'MembershipChanged', { userId: ALICE, roomId: ROOM, membership: 'join' });
const left = (offset: number) => recorded(offset, 'MembershipChanged', { userId: ALICE, roomId: ROOM, membership: 'leave' });
const deviceUploaded = (offset: number) => recorded(offset, 'DeviceKeysUploaded', { userId: ALICE, deviceId: `D${offset}`, keysJson: '{}' });

const userDoc = (offset: number, fields: Partial<UserListDoc>): UserListDoc => ({
  _id: userDocId(ALICE),
  _meta: { partition: 0, offset },
  userId: ALICE,
  partition: 0,
  memberships: [],
  own: [],
  subjects: [],
  ...fields,
});
const roomPart = (offset: number, changes: number[]): RoomPartDoc => ({
  _id: roomPartId(ROOM, 0),
  _meta: { partition: 0, offset },
  roomId: ROOM,
  partition: 0,
  members: [{ userId: ALICE, memberships: [{ membership: 'join', offset: 0 }], joins: [0], others: [], changes }],
});
/** After a join at 0 and a device change at 2. */
const joinedThenChanged = [userDoc(2, { memberships: [{ roomId: ROOM, membership: 'join', offset: 0 }], own: [2] }), roomPart(2, [2])];

describe('device-lists projection: documents given delivered batches', () => {
  it('records a join on the user and the room part, and a device change in both', async () => {
    await spec.given([joined(0), deviceUploaded(2)]).expect(joinedThenChanged);
  });

  it('records when a room turned encryption on', async () => {
    await spec
      .given([recorded(4, 'RoomEncryptionEnabled', { roomId: ROOM, algorithm: 'm.megolm.v1.aes-sha2' })])
      .expect([{ _id: encryptionDocId(ROOM), _meta: { partition: 0, offset: 4 }, roomId: ROOM, partition: 0, offsets: [4] }]);
  });

  it('changes nothing when a batch is delivered twice', async () => {
    await spec.given([joined(0), deviceUploaded(2)], [joined(0), deviceUploaded(2)]).expect(joinedThenChanged);
  });

  it("ignores older events delivered after newer ones (at or below each document's position)", async () => {
    await spec.given([joined(0), deviceUploaded(2)], [left(1), deviceUploaded(1)]).expect(joinedThenChanged);
  });

  it('skips the events it does not declare', async () => {
    await spec.given([recorded(0, 'OneTimeKeyClaimed', { userId: ALICE, deviceId: 'D', algorithm: 'a', keyName: 'a:1', claimedBy: '@b:x|B' })]).expect([]);
  });
});
