import { Collection, Db, Document } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { CustomProjection, ProjectionContext, collectionName, declaredEvents } from '../projection/projection';
import { ReplayMemory } from '../projection/replay-memory';
import { currentDocs, writeAsSoleWriter, writeGuarded } from '../projection/point-writes';
import { WakeUpFeedDoc, appendNotice } from '../feed/wake-up-feed';
import {
  DEVICE_LIST_EVENTS,
  DeviceListDoc,
  DeviceListEvent,
  StoredDeviceListDoc,
  applyToDocs,
  encryptionDocId,
  fromStored,
  toStored,
  userDocId,
  userOf,
} from './device-list-docs';
import { foldWithoutPoison, keyedEvents } from '../projection/poisoned-events';

/**
 * The wake-up feed of a partition (libs/read-models/src/feed/wake-up-feed.ts): a ring of notices,
 * one per applied batch that touched device lists, saying which rooms and users changed, and up
 * to where. The keys-api's single watcher reads these by `_id` to wake the long-polls that care,
 * instead of each waiting client reading documents.
 */
export type DeviceListFeedDoc = WakeUpFeedDoc;

export const deviceListFeedName = (version: number): string => `${collectionName('device-lists', version)}_feed`;

/**
 * Documents by `_id` (device-list-docs.ts). A batch costs two concurrent rounds of point reads
 * (the users' documents, which say where a device change fans out; then the room parts it
 * reaches) and one guarded write per changed document: a device change of a user in R rooms
 * writes R + 1 documents, whatever the rooms' sizes.
 */
export const deviceListsProjection: CustomProjection<DeviceListEvent> = {
  name: 'device-lists',
  handles: DEVICE_LIST_EVENTS,
  indexes: [],
  async apply(collection: Collection<Document>, events: readonly RecordedEvent[], context: ProjectionContext): Promise<number> {
    const declared = declaredEvents<DeviceListEvent>({ handles: DEVICE_LIST_EVENTS }, events);
    if (declared.length === 0) return 0;
    const docs = collection as unknown as Collection<StoredDeviceListDoc>;
    const memory = context.replayMemory as ReplayMemory<StoredDeviceListDoc> | undefined;
    const read = async (ids: readonly string[]) => new Map([...(await currentDocs(docs, ids, memory))].map(([id, stored]) => [id, fromStored(stored)]));
    const firstIdsOf = (e: RecordedEvent<DeviceListEvent>) => {
      const user = userOf(e);
      return [...(user === undefined ? [] : [userDocId(user)]), ...(e.event.type === 'RoomEncryptionEnabled' ? [encryptionDocId(e.event.data.roomId)] : [])];
    };
    const keyed = keyedEvents(declared, firstIdsOf, context.poisoned);
    const current = await read([...new Set(keyed.flatMap(firstIdsOf))]);
    // Which room parts the batch reaches, from a trial run on a copy (missing parts start empty).
    const fold = (start: ReadonlyMap<string, DeviceListDoc>) => (batch: readonly RecordedEvent<DeviceListEvent>[]) => {
      const next = new Map(start);
      const dirty = new Set<string>();
      for (const e of batch) for (const id of applyToDocs(next, e)) dirty.add(id);
      return { next, dirty };
    };
    const trial = foldWithoutPoison(keyed, fold(current), context.poisoned);
    const roomParts = [...trial.result.next.keys()].filter((id) => id.startsWith('r|'));
    for (const [id, doc] of await read(roomParts)) current.set(id, doc);

    const stored = new Set(current.keys());
    const { result, events: relevant } = foldWithoutPoison(trial.events, fold(current), context.poisoned);
    const written = [...result.dirty].map((id) => toStored(result.next.get(id)!));
    if (memory) for (const doc of written) memory.set(doc._id, doc);
    if (memory?.complete) await writeAsSoleWriter(docs, written, stored, context.tuning.bulkChunk);
    else await writeGuarded(docs, written, stored, context.tuning.bulkChunk);
    if (context.live) await announce(context.db, context.version, events, [...trial.result.next.values()]);
    return relevant.length;
  },
};

/** Rooms and users whose device lists a batch (all its events) may have changed (every document it reaches), for the waiting long-polls. */
async function announce(db: Db, version: number, events: readonly RecordedEvent[], reached: readonly DeviceListDoc[]): Promise<void> {
  const rooms = new Set<string>();
  const users = new Set<string>();
  for (const doc of reached) {
    if ('userId' in doc) users.add(doc.userId);
    else rooms.add(doc.roomId);
  }
  const last = events[events.length - 1];
  await appendNotice(
    db,
    deviceListFeedName(version),
    last.partition,
    { offset: Number(last.offset), at: Date.now(), rooms: [...rooms].sort(), users: [...users].sort() },
    Number(events[0].offset),
  );
}
