import { Collection, Document } from 'mongodb';
import { PositionVector, isAfter } from '@app/contracts';
import { DeviceListChanges, SharingRules, deviceListChanges, roomsOfReader } from './device-list-changes';
import { DeviceListRow, MembershipRow } from './device-list-rows';

/** Rows after `from`, partition by partition (a partition the token does not know is all new). */
function after(from: PositionVector, partitions: number): Document {
  const known = Math.max(partitions, from.length);
  return {
    $or: [
      ...Array.from({ length: known }, (_, p) => ({ partition: p, offset: { $gt: from[p] ?? -1 } })),
      { partition: { $gte: known } },
    ],
  };
}

const find = async (collection: Collection<Document>, filter: Document): Promise<DeviceListRow[]> =>
  (await collection.find(filter).toArray()) as unknown as DeviceListRow[];

/**
 * `changed` and `left` for a reader since `from`, reading what changed rather than whole rooms:
 * 1. the reader's own rows (memberships, own changes after `from`);
 * 2. rows after `from` in the rooms the reader is in or left, the rooms' encryption rows, and the
 *    full membership of rooms the reader joined or left since `from` (their members all count);
 * 3. the memberships, in the reader's rooms, of everyone who appeared in 2, to tell who still
 *    shares a room. On an indexed store the work grows with the changes, not with room sizes.
 * Also returns the rooms the reader is joined to, which a waiting long-poll listens to.
 * With `until`, rows after it are left out: the answer is the read model as of that token, so a
 * caller handing out `until` as its next token reports each change once (rows can be written
 * before their partition's checkpoint moves past them).
 */
export async function deviceListChangesSince(
  collection: Collection<Document>,
  reader: string,
  from: PositionVector,
  partitions: number,
  rules: SharingRules,
  until?: PositionVector,
): Promise<DeviceListChanges & { readonly joinedRooms: string[] }> {
  const read = async (filter: Document): Promise<DeviceListRow[]> => {
    const rows = await find(collection, filter);
    return until ? rows.filter((r) => !isAfter(until, r.partition, r.offset)) : rows;
  };
  const own = await read({ userId: reader, $or: [{ kind: 'member' }, { kind: 'own', ...after(from, partitions) }] });
  const rooms = roomsOfReader(reader, from, own);
  const readerRooms = [...rooms.current, ...rooms.left];
  if (readerRooms.length === 0) return { ...deviceListChanges(reader, from, own, rules), joinedRooms: [] };

  const joinedSince = own
    .filter((r): r is MembershipRow => r.kind === 'member' && r.membership === 'join' && isAfter(from, r.partition, r.offset))
    .map((r) => r.roomId);
  const encryptedRows = rules.encryptedRoomsOnly ? await read({ kind: 'encrypted', roomId: { $in: readerRooms } }) : [];
  const encryptedSince = encryptedRows.filter((r) => isAfter(from, r.partition, r.offset)).map((r) => (r as { roomId: string }).roomId);
  const wholeRooms = [...new Set([...joinedSince, ...encryptedSince, ...rooms.left])];
  const recent = await read({
    $or: [
      { roomId: { $in: readerRooms }, kind: { $in: ['member', 'change'] }, ...after(from, partitions) },
      ...(wholeRooms.length > 0 ? [{ roomId: { $in: wholeRooms }, kind: 'member' }] : []),
    ],
  });
  const appeared = [...new Set(recent.map((r) => (r as { userId: string }).userId))].filter((u) => u !== reader);
  const sharingRows = appeared.length === 0 ? [] : await read({ kind: 'member', userId: { $in: appeared }, roomId: { $in: rooms.current } });

  const byId = new Map<string, DeviceListRow>();
  for (const row of [...own, ...encryptedRows, ...recent, ...sharingRows]) byId.set(row._id, row);
  return { ...deviceListChanges(reader, from, [...byId.values()], rules), joinedRooms: rooms.current };
}

/** Current memberships of a room other than `leave`/`ban`, as `userId -> membership`. */
export async function membersOfRoom(collection: Collection<Document>, roomId: string): Promise<Map<string, string>> {
  const rows = (await collection.find({ roomId, kind: 'member' }).toArray()) as unknown as MembershipRow[];
  const latest = new Map<string, MembershipRow>();
  for (const row of rows) if ((latest.get(row.userId)?.offset ?? -1) < row.offset) latest.set(row.userId, row);
  return new Map([...latest].filter(([, r]) => r.membership !== 'leave' && r.membership !== 'ban').map(([u, r]) => [u, r.membership]));
}
