import { BatchApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { declaredEvents } from '../projection/projection';
import { InboxDoc, InboxEvent, InboxHead, InboxStore, ToDeviceMessage, applyToInbox, inboxHeadId, inboxWindowId } from './to-device.inbox';
import { toDeviceProjection } from './to-device.projection';

/**
 * The store port over the harness's documents, writing by `_id` alone as the replay's sole writer
 * does: what is tested is the fold's own guard (the head's position); the live writer's position
 * filter on top is the integration tier's (projection-guards).
 */
const storeOver = (docs: Map<string, InboxDoc>): InboxStore => ({
  read: async (ids) => new Map(ids.filter((id) => docs.has(id)).map((id) => [id, docs.get(id)!])),
  write: async (puts, deletes) => {
    for (const doc of puts) docs.set(doc._id, doc);
    for (const d of deletes) docs.delete(d._id);
  },
});
/** The projection's batch path without Mongo: its declared events, then the inbox fold and writes. */
const applyBatch: BatchApplier<InboxDoc> = async (docs, batch) => {
  await applyToInbox(storeOver(docs), declaredEvents<InboxEvent>(toDeviceProjection, batch));
};
const spec = projectionSpec(applyBatch);

const USER = '@bob:example.org';
const DEVICE = 'PHONE';
const queued = (offset: number, seq: number, n = seq) =>
  recorded(offset, 'ToDeviceQueued', { userId: USER, deviceId: DEVICE, seq, sender: '@alice:example.org', type: 'm.room_key', contentJson: `{"n":${n}}` });
const acked = (offset: number, upToSeq: number) => recorded(offset, 'ToDeviceAcked', { userId: USER, deviceId: DEVICE, upToSeq });
const deviceDeleted = (offset: number) => recorded(offset, 'DeviceDeleted', { userId: USER, deviceId: DEVICE });

const head = (offset: number, lastSeq: number, ackedSeq: number): InboxHead => ({
  _id: inboxHeadId(USER, DEVICE),
  kind: 'head',
  userId: USER,
  deviceId: DEVICE,
  lastSeq,
  ackedSeq,
  _meta: { partition: 0, offset },
});
/** The head a deletion leaves: empty, at the deletion's position. */
const tombstone = (offset: number): InboxDoc => ({ ...head(offset, 0, 0), deleted: true, deletedAt: offset });
const message = (offset: number, seq: number, n = seq): ToDeviceMessage => ({
  seq,
  sender: '@alice:example.org',
  type: 'm.room_key',
  contentJson: `{"n":${n}}`,
  partition: 0,
  offset,
});
const firstWindow = (offset: number, ...messages: ToDeviceMessage[]): InboxDoc => ({
  _id: inboxWindowId(USER, DEVICE, 0),
  kind: 'window',
  userId: USER,
  deviceId: DEVICE,
  window: 0,
  messages,
  _meta: { partition: 0, offset },
});

describe('to-device projection: inbox documents given delivered batches', () => {
  it('queues messages in sequence order and drops the acknowledged ones', async () => {
    await spec.given([queued(0, 1), queued(1, 2), queued(2, 3), acked(3, 1)]).expect([head(3, 3, 1), firstWindow(3, message(1, 2), message(2, 3))]);
  });

  it('removes the messages with the device and leaves the head as a tombstone at the deletion', async () => {
    await spec.given([queued(0, 1)], [deviceDeleted(1)]).expect([tombstone(1)]);
    await spec.given([deviceDeleted(4)]).expect([tombstone(4)]); // no inbox yet: the tombstone still holds the position
  });

  it('stays deleted and empty when an older batch is redelivered after the deletion', async () => {
    const before = [queued(0, 1), queued(1, 2)];
    await spec.given(before, [deviceDeleted(2)], before).expect([tombstone(2)]);
    await spec.given(before, [deviceDeleted(2)], [queued(1, 2)]).expect([tombstone(2)]);
  });

  it('changes nothing when the deletion is delivered twice, alone or with what came before it', async () => {
    const batch = [queued(0, 1), queued(1, 2), deviceDeleted(2)];
    await spec.given(batch, batch).expect([tombstone(2)]);
    await spec.given(batch, [deviceDeleted(2)]).expect([tombstone(2)]);
  });

  it('ignores events older than the deletion arriving out of order (a stale writer)', async () => {
    await spec.given([queued(0, 1), deviceDeleted(2)], [queued(1, 2)], [acked(1, 1)]).expect([tombstone(2)]);
  });

  it('gives a device created again with the same id its new messages only', async () => {
    const old = [queued(0, 1), queued(1, 2), queued(2, 3), acked(3, 1)];
    const recreated = [queued(5, 1, 101), queued(6, 2, 102)]; // its sequence numbers count from 1 again
    const expected = [{ ...head(6, 2, 0), deletedAt: 4 }, firstWindow(6, message(5, 1, 101), message(6, 2, 102))];
    await spec.given(old, [deviceDeleted(4)], recreated).expect(expected);
    await spec.given([...old, deviceDeleted(4), ...recreated]).expect(expected); // one batch
    await spec.given(old, [deviceDeleted(4)], recreated, old, [deviceDeleted(4), ...recreated]).expect(expected); // redelivered
  });

  it('a later acknowledgement of the new device trims only its own messages', async () => {
    await spec
      .given([queued(0, 1), queued(1, 2), deviceDeleted(2)], [queued(3, 1, 101), queued(4, 2, 102), queued(5, 3, 103), acked(6, 1)])
      .expect([{ ...head(6, 3, 1), deletedAt: 2 }, firstWindow(6, message(4, 2, 102), message(5, 3, 103))]);
  });

  it('changes nothing when a batch is delivered twice', async () => {
    const batch = [queued(0, 1), queued(1, 2), acked(2, 1)];
    await spec.given(batch, batch).expect([head(2, 2, 1), firstWindow(2, message(1, 2))]);
  });

  it("ignores an older message delivered after a newer acknowledgement (at or below the head's position)", async () => {
    await spec.given([queued(0, 1), queued(1, 2), acked(2, 2)], [queued(1, 2)]).expect([head(2, 2, 2)]);
  });

  it('skips the events it does not declare', async () => {
    await spec.given([recorded(0, 'DeviceKeysUploaded', { userId: USER, deviceId: DEVICE, keysJson: '{}' })]).expect([]);
  });
});
