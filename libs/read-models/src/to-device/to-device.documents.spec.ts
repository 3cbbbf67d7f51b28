import { BatchApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { declaredEvents } from '../projection/projection';
import { InboxDoc, InboxEvent, InboxStore, ToDeviceMessage, applyToInbox, inboxHeadId, inboxWindowId } from './to-device.inbox';
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
const queued = (offset: number, seq: number) => recorded(offset, 'ToDeviceQueued', { userId: USER, deviceId: DEVICE, seq, sender: '@alice:example.org', type: 'm.room_key', contentJson: `{"n":${seq}}` });
const acked = (offset: number, upToSeq: number) => recorded(offset, 'ToDeviceAcked', { userId: USER, deviceId: DEVICE, upToSeq });
const deviceDeleted = (offset: number) => recorded(offset, 'DeviceDeleted', { userId: USER, deviceId: DEVICE });

const head = (offset: number, lastSeq: number, ackedSeq: number): InboxDoc => ({ _id: inboxHeadId(USER, DEVICE), kind: 'head', userId: USER, deviceId: DEVICE, lastSeq, ackedSeq, _meta: { partition: 0, offset } });
const message = (offset: number, seq: number): ToDeviceMessage => ({ seq, sender: '@alice:example.org', type: 'm.room_key', contentJson: `{"n":${seq}}`, partition: 0, offset });
const firstWindow = (offset: number, ...messages: ToDeviceMessage[]): InboxDoc => ({ _id: inboxWindowId(USER, DEVICE, 0), kind: 'window', userId: USER, deviceId: DEVICE, window: 0, messages, _meta: { partition: 0, offset } });

describe('to-device projection: inbox documents given delivered batches', () => {
  it('queues messages in sequence order and drops the acknowledged ones', async () => {
    await spec.given([queued(0, 1), queued(1, 2), queued(2, 3), acked(3, 1)]).expect([head(3, 3, 1), firstWindow(3, message(1, 2), message(2, 3))]);
  });

  it('removes the inbox with the device', async () => {
    await spec.given([queued(0, 1)], [deviceDeleted(1)]).expect([]);
  });

  it('changes nothing when a batch is delivered twice', async () => {
    const batch = [queued(0, 1), queued(1, 2), acked(2, 1)];
    await spec.given(batch, batch).expect([head(2, 2, 1), firstWindow(2, message(1, 2))]);
  });

  it('ignores an older message delivered after a newer acknowledgement (at or below the head\'s position)', async () => {
    await spec.given([queued(0, 1), queued(1, 2), acked(2, 2)], [queued(1, 2)]).expect([head(2, 2, 2)]);
  });

  it('skips the events it does not declare', async () => {
    await spec.given([recorded(0, 'DeviceKeysUploaded', { userId: USER, deviceId: DEVICE, keysJson: '{}' })]).expect([]);
  });
});
