import { Collection, Db, Document, MongoBulkWriteError } from 'mongodb';
import { DEVICE_LIST_CHANGE_EVENTS, DomainEventType, RecordedEvent } from '@app/contracts';
import { CustomProjection, ProjectionContext, collectionName } from '../projection/projection';
import { ReplayMemory } from '../projection/replay-memory';
import { DeviceListRow, MembershipRow, changesDeviceList, planDeviceListRows } from './device-list-rows';
import { WakeUpFeedDoc, appendNotice } from '../feed/wake-up-feed';

const INSERT_CHUNK = 1000;

/**
 * The wake-up feed of a partition (libs/read-models/src/feed/wake-up-feed.ts): a ring of notices,
 * one per applied batch that touched device lists, saying which rooms and users changed, and up
 * to where. The keys-api's single watcher reads these by `_id` to wake the long-polls that care,
 * instead of each waiting client querying the rows.
 */
export type DeviceListFeedDoc = WakeUpFeedDoc;

export const deviceListFeedName = (version: number): string => `${collectionName('device-lists', version)}_feed`;

const HANDLES: readonly DomainEventType[] = ['MembershipChanged', 'RoomEncryptionEnabled', ...DEVICE_LIST_CHANGE_EVENTS];

export const deviceListsProjection: CustomProjection = {
  name: 'device-lists',
  handles: HANDLES,
  indexes: [{ userId: 1, kind: 1 }, { roomId: 1, kind: 1, partition: 1, offset: 1 }],
  async apply(collection: Collection<Document>, events: readonly RecordedEvent[], context: ProjectionContext): Promise<number> {
    const relevant = events.filter((e) => HANDLES.includes(e.event.type));
    if (relevant.length === 0) return 0;
    const changedUsers = [...new Set(relevant.filter((e) => changesDeviceList(e.event)).map((e) => (e.event.data as { userId: string }).userId))];
    const memory = context.replayMemory as ReplayMemory<MembershipRow[]> | undefined;
    const remembered = memory?.complete ? changedUsers.flatMap((u) => memory.get(u) ?? []) : null;
    const known = remembered ?? (await storedMemberships(collection, changedUsers));
    const rows = planDeviceListRows(relevant, known);
    await insertIgnoringDuplicates(collection, rows);
    if (memory) for (const row of rows) if (row.kind === 'member') memory.set(row.userId, [...(memory.get(row.userId) ?? []), row]);
    if (context.live) await announce(context.db, context.version, relevant, rows);
    return relevant.length;
  },
};

/**
 * The membership rows of users whose devices changed. On FerretDB this query decodes every row of
 * the collection, which a replay cannot afford once per batch: it keeps the rows it wrote in memory.
 */
async function storedMemberships(collection: Collection<Document>, users: readonly string[]): Promise<MembershipRow[]> {
  if (users.length === 0) return [];
  return (await collection.find({ kind: 'member', userId: { $in: [...users] } }).toArray()) as unknown as MembershipRow[];
}

async function insertIgnoringDuplicates(collection: Collection<Document>, rows: readonly DeviceListRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    try {
      await collection.insertMany(rows.slice(i, i + INSERT_CHUNK) as unknown as Document[], { ordered: false });
    } catch (err) {
      // Already written by an earlier delivery of the same events.
      if (!(err instanceof MongoBulkWriteError) || !allDuplicates(err)) throw err;
    }
  }
}

function allDuplicates(err: MongoBulkWriteError): boolean {
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}

async function announce(db: Db, version: number, events: readonly RecordedEvent[], rows: readonly DeviceListRow[]): Promise<void> {
  const rooms = new Set<string>();
  const users = new Set<string>();
  for (const row of rows) {
    if (row.kind !== 'encrypted') users.add(row.userId);
    if (row.kind !== 'own') rooms.add(row.roomId);
  }
  const last = events[events.length - 1];
  await appendNotice(db, deviceListFeedName(version), last.partition, { offset: Number(last.offset), at: Date.now(), rooms: [...rooms], users: [...users] });
}
