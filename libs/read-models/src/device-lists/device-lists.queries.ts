import { Collection, Document } from 'mongodb';
import { PositionVector, lowestPosition } from '@app/contracts';
import { DeviceListChanges, SharingRules, deviceListChanges, roomsOfReader } from './device-list-changes';
import { DeviceListRow, MembershipRow } from './device-list-rows';

/** Membership rows and (after `from`) own-change rows of one user. */
async function rowsOfUser(collection: Collection<Document>, userId: string, low: number): Promise<DeviceListRow[]> {
  return (await collection.find({ userId, $or: [{ kind: 'member' }, { kind: 'own', offset: { $gt: low } }] }).toArray()) as unknown as DeviceListRow[];
}

/**
 * `changed` and `left` for a reader since `from`: two reads, the reader's own rows and the rows
 * of the rooms they are in or left since `from` (change rows only after `from`). Also returns the
 * rooms the reader is joined to, which a waiting long-poll listens to.
 */
export async function deviceListChangesSince(
  collection: Collection<Document>,
  reader: string,
  from: PositionVector,
  partitions: number,
  rules: SharingRules,
): Promise<DeviceListChanges & { readonly joinedRooms: string[] }> {
  const low = lowestPosition(from, partitions);
  const own = await rowsOfUser(collection, reader, low);
  const rooms = roomsOfReader(reader, from, own);
  const roomIds = [...rooms.current, ...rooms.left];
  const roomRows =
    roomIds.length === 0
      ? []
      : ((await collection
          .find({ roomId: { $in: roomIds }, $or: [{ kind: { $in: ['member', 'encrypted'] } }, { kind: 'change', offset: { $gt: low } }] })
          .toArray()) as unknown as DeviceListRow[]);
  const byId = new Map<string, DeviceListRow>();
  for (const row of [...own, ...roomRows]) byId.set(row._id, row);
  return { ...deviceListChanges(reader, from, [...byId.values()], rules), joinedRooms: rooms.current };
}

/** Current memberships of a room other than `leave`/`ban`, as `userId -> membership`. */
export async function membersOfRoom(collection: Collection<Document>, roomId: string): Promise<Map<string, string>> {
  const rows = (await collection.find({ roomId, kind: 'member' }).toArray()) as unknown as MembershipRow[];
  const latest = new Map<string, MembershipRow>();
  for (const row of rows) if ((latest.get(row.userId)?.offset ?? -1) < row.offset) latest.set(row.userId, row);
  return new Map([...latest].filter(([, r]) => r.membership !== 'leave' && r.membership !== 'ban').map(([u, r]) => [u, r.membership]));
}
