import { AnyBulkWriteOperation, Collection, Document, MongoBulkWriteError } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { CustomProjection, ProjectionContext, collectionName, declaredEvents } from '../projection/projection';
import { ReplayMemory } from '../projection/replay-memory';
import { appendNotice } from '../feed/wake-up-feed';
import { writeGuarded } from '../projection/point-writes';
import { INBOX_EVENTS, InboxDelete, InboxDoc, InboxEvent, InboxStore, ToDeviceRow, applyToInbox, readInbox } from './to-device.inbox';

export const toDeviceFeedName = (version: number): string => `${collectionName('to-device', version)}_feed`;

/**
 * Inboxes (to-device.inbox.ts): per device a head document and windows of waiting messages, all
 * reached by computed `_id`s. A batch is one concurrent round of point reads and per-document
 * writes guarded by log position; a device's events all sit in its user's partition, so each
 * document has one writer. A deleted device's head stays as a tombstone (a guarded put like any
 * other), so the guard refuses older events for it. Live batches that queued something add a
 * wake-up notice to their partition's feed ring for the keys-api's watcher, as the device-lists
 * projection does.
 */
export const toDeviceProjection: CustomProjection<InboxEvent> = {
  name: 'to-device',
  handles: INBOX_EVENTS,
  indexes: [],
  async apply(collection: Collection<Document>, events: readonly RecordedEvent[], context: ProjectionContext): Promise<number> {
    const relevant = declaredEvents<InboxEvent>({ handles: INBOX_EVENTS }, events);
    if (relevant.length === 0) return 0;
    const applied = await applyToInbox(
      mongoInboxStore(collection, context.tuning.bulkChunk, context.replayMemory as ReplayMemory<InboxDoc | null> | undefined),
      relevant,
      context.poisoned,
    );
    const recipients = new Set(relevant.filter((e) => e.event.type === 'ToDeviceQueued').map((e) => e.event.data.userId));
    if (context.live && recipients.size > 0) {
      const last = relevant[relevant.length - 1];
      await appendNotice(
        context.db,
        toDeviceFeedName(context.version),
        last.partition,
        { offset: Number(last.offset), at: Date.now(), rooms: [], users: [...recipients] },
        Number(events[0].offset),
      );
    }
    return applied;
  },
};

/**
 * The inbox documents in one collection. Live, every write is guarded by its log position (a
 * stale writer during a rebalance cannot put an older document back). In a replay, which is the
 * only writer of its new version, reads come from what it remembers writing and writes go by
 * `_id` alone.
 */
export function mongoInboxStore(collection: Collection<Document>, bulkChunk: number, memory?: ReplayMemory<InboxDoc | null>): InboxStore {
  const present = new Set<string>();
  return {
    async read(ids) {
      const found = new Map<string, InboxDoc>();
      const remember = (doc: InboxDoc) => {
        found.set(doc._id, doc);
        present.add(doc._id);
      };
      const unknown: string[] = [];
      for (const id of ids) {
        const remembered = memory?.get(id);
        if (remembered) remember(remembered);
        else if (remembered === undefined && !memory?.complete) unknown.push(id);
      }
      const docs = await Promise.all(unknown.map((id) => collection.findOne({ _id: id } as never)));
      for (const doc of docs) if (doc) remember(doc as unknown as InboxDoc);
      return found;
    },
    async write(puts, deletes) {
      if (memory) {
        for (const doc of puts) memory.set(doc._id, doc);
        for (const d of deletes) memory.set(d._id, null);
      }
      const soleWriter = memory?.complete ?? false;
      // Live: inserted when the batch found them absent, else replaced under the guard (point-writes.ts).
      if (!soleWriter) await writeGuarded(collection as unknown as Collection<InboxDoc>, puts, present, bulkChunk);
      const ops = [...(soleWriter ? puts.map((doc) => putOp(doc)) : []), ...deletes.map((d) => deleteOp(d, soleWriter))];
      for (let i = 0; i < ops.length; i += bulkChunk) await writeChunk(collection, ops.slice(i, i + bulkChunk));
    },
  };
}

/** The replay, sole writer of its version, writes by `_id` alone. */
function putOp(doc: InboxDoc): AnyBulkWriteOperation<Document> {
  return { replaceOne: { filter: { _id: doc._id } as never, replacement: doc as never, upsert: true } };
}

function deleteOp(d: InboxDelete, soleWriter: boolean): AnyBulkWriteOperation<Document> {
  const filter = soleWriter ? { _id: d._id } : { _id: d._id, '_meta.offset': { $lte: d.offset } };
  return { deleteOne: { filter: filter as never } };
}

/**
 * The replay's upserts by `_id` and the deletes. A duplicate key on an upsert means another
 * writer inserted the document between the upsert's query and its insert (the store's update is
 * not atomic): one retry replaces it. (Live puts go through point-writes.ts.)
 */
async function writeChunk(collection: Collection<Document>, ops: AnyBulkWriteOperation<Document>[]): Promise<void> {
  try {
    await collection.bulkWrite(ops, { ordered: false });
  } catch (err) {
    const errors = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) : [];
    if (errors.length === 0 || !errors.every((e) => e.code === 11000)) throw err;
    for (const e of errors) {
      const op = ops[e.index] as { replaceOne?: { filter: never; replacement: never } };
      if (!op.replaceOne) continue;
      await collection.replaceOne(op.replaceOne.filter, op.replaceOne.replacement, { upsert: true }).catch((again: { code?: number }) => {
        if (again.code !== 11000) throw again;
      });
    }
  }
}

/**
 * A device's waiting messages in queue order, read by `_id` (head, then windows) until `enough`
 * says so or the inbox ends.
 */
export function pendingToDevice(
  collection: Collection<Document>,
  userId: string,
  deviceId: string,
  enough?: (rows: readonly ToDeviceRow[]) => boolean,
): Promise<ToDeviceRow[]> {
  return readInbox(mongoInboxStore(collection, 1 /* reads only: no bulk writes */), userId, deviceId, enough);
}
