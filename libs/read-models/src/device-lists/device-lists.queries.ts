import { Collection, Document } from 'mongodb';
import { PositionVector, isAfter } from '@app/contracts';
import { DeviceListChanges, SharingRules, deviceListChanges, latestMemberships, membershipKey, roomsOfReader } from './device-list-changes';
import { DeviceListRow, MembershipRow } from './device-list-rows';
import { DeviceListDoc, RoomPartDoc, StoredDeviceListDoc, encryptionDocId, fromStored, roomPartId, rowsOf, userDocId } from './device-list-docs';

/** Point reads of device-list documents: the ids found, absent ones left out. */
export type DeviceListDocReader = (ids: readonly string[]) => Promise<ReadonlyMap<string, DeviceListDoc>>;

/** One `{_id}` read per document, all at once. */
export function mongoDeviceListDocs(collection: Collection<Document>): DeviceListDocReader {
  return async (ids) => {
    const found = await Promise.all([...new Set(ids)].map((id) => collection.findOne({ _id: id } as never)));
    return new Map(found.filter((doc) => doc !== null).map((doc) => [String(doc!._id), fromStored(doc as unknown as StoredDeviceListDoc)]));
  };
}

/**
 * Rooms whose documents in a partition changed after an offset (from the wake-up rings), or
 * `undefined` when that is not known (the ring no longer reaches back so far): then every part
 * of the reader's rooms in that partition is read.
 */
export type TouchedRooms = (partition: number, after: number) => ReadonlySet<string> | undefined;

export interface ChangesReadOptions {
  /** Rows after this token are left out (see below). */
  readonly until?: PositionVector;
  readonly touched?: TouchedRooms;
}

/**
 * `changed` and `left` for a reader since `from`, from rounds of point reads:
 * 1. the reader's document (memberships, own changes), which says which rooms matter;
 * 2. with encrypted rooms only, those rooms' encryption documents;
 * 3. the parts (one per partition) of the reader's rooms that changed since `from`, and every
 *    part of the rooms whose whole membership counts (joined, left or encrypted since `from`);
 * 4. the documents of the users seen in 3 whose sharing of a room with the reader is not yet known.
 * The documents turn back into rows (device-list-docs.ts) and fold with the pure rules, so the
 * answer is the fold over every row (device-list-docs.spec.ts checks it). Also returns the rooms
 * the reader is joined to, which a waiting long-poll listens to.
 * With `until`, rows after it are left out: the answer is the read model as of that token, so a
 * caller handing out `until` as its next token reports each change once (documents can be
 * written before their partition's checkpoint moves past them).
 */
export async function deviceListChangesSince(
  read: DeviceListDocReader,
  reader: string,
  from: PositionVector,
  partitions: number,
  rules: SharingRules,
  options: ChangesReadOptions = {},
): Promise<DeviceListChanges & { readonly joinedRooms: string[] }> {
  const { until, touched } = options;
  const visible = (rows: DeviceListRow[]) => (until ? rows.filter((r) => !isAfter(until, r.partition, r.offset)) : rows);
  const byId = new Map<string, DeviceListRow>();
  const keep = (doc: DeviceListDoc) => {
    const rows = visible(rowsOf(doc));
    for (const row of rows) byId.set(row._id, row);
    return rows;
  };
  const readerDoc = (await read([userDocId(reader)])).get(userDocId(reader));
  const own = readerDoc ? keep(readerDoc) : [];
  const rooms = roomsOfReader(reader, from, own);
  const readerRooms = [...rooms.current, ...rooms.left];
  if (readerRooms.length === 0) return { ...deviceListChanges(reader, from, own, rules), joinedRooms: [] };

  const whole = new Set([
    ...rooms.left,
    ...own.filter((r) => r.kind === 'member' && r.membership === 'join' && isAfter(from, r.partition, r.offset)).map((r) => (r as MembershipRow).roomId),
  ]);
  if (rules.encryptedRoomsOnly) {
    for (const doc of (await read(readerRooms.map(encryptionDocId))).values()) {
      if (keep(doc).some((r) => isAfter(from, r.partition, r.offset))) whole.add((doc as { roomId: string }).roomId);
    }
  }
  const known = Math.max(partitions, from.length, until?.length ?? 0);
  const partIds: string[] = [];
  const partsRead = new Map<string, number>();
  for (let p = 0; p < known; p++) {
    const changed = touched?.(p, from[p] ?? -1);
    for (const roomId of readerRooms) {
      if (!whole.has(roomId) && changed && !changed.has(roomId)) continue;
      partIds.push(roomPartId(roomId, p));
      partsRead.set(roomId, (partsRead.get(roomId) ?? 0) + 1);
    }
  }
  const parts = [...(await read(partIds)).values()] as RoomPartDoc[];
  const seen = new Set<string>();
  for (const part of parts) {
    const rows = keep(part);
    for (const row of rows)
      if (row.kind !== 'encrypted' && row.userId !== reader && (whole.has(part.roomId) || isAfter(from, row.partition, row.offset))) seen.add(row.userId);
  }
  // Who shares a room with the reader is known for members of current rooms read whole.
  const readWhole = rooms.current.filter((roomId) => partsRead.get(roomId) === known);
  const latest = latestMemberships([...byId.values()]);
  const unknown = [...seen].filter((user) => !readWhole.some((roomId) => latest.get(membershipKey(roomId, user))?.membership === 'join'));
  for (const doc of (await read(unknown.map(userDocId))).values()) keep(doc);
  return { ...deviceListChanges(reader, from, [...byId.values()], rules), joinedRooms: rooms.current };
}

/** Current memberships of a room other than `leave`/`ban`, as `userId -> membership`. */
export async function membersOfRoom(read: DeviceListDocReader, roomId: string, partitions: number): Promise<Map<string, string>> {
  const parts = await read(Array.from({ length: partitions }, (_, p) => roomPartId(roomId, p)));
  const members = new Map<string, string>();
  for (const doc of parts.values()) {
    for (const m of (doc as RoomPartDoc).members) {
      const latest = m.memberships[0];
      if (latest && latest.membership !== 'leave' && latest.membership !== 'ban') members.set(m.userId, latest.membership);
    }
  }
  return members;
}
