import { PositionVector, isAfter } from '@app/contracts';
import { DeviceListRow, EncryptedRow, MembershipRow } from './device-list-rows';

export interface DeviceListChanges {
  readonly changed: string[];
  readonly left: string[];
}

export interface SharingRules {
  /** Only encrypted rooms count as shared (the spec's wording); by default every room does. */
  readonly encryptedRoomsOnly: boolean;
}

const after = (from: PositionVector, row: DeviceListRow): boolean => isAfter(from, row.partition, row.offset);

export const membershipKey = (roomId: string, userId: string): string => JSON.stringify([roomId, userId]);

/** Latest membership row per (room, user) (`membershipKey`); one user's rows all come from one partition, so offsets compare. */
export function latestMemberships(rows: readonly DeviceListRow[]): Map<string, MembershipRow> {
  const latest = new Map<string, MembershipRow>();
  for (const row of rows) {
    if (row.kind !== 'member') continue;
    const key = membershipKey(row.roomId, row.userId);
    const seen = latest.get(key);
    if (!seen || seen.offset < row.offset) latest.set(key, row);
  }
  return latest;
}

/**
 * The rooms whose rows decide a reader's changes: rooms the reader is joined to now, and rooms the
 * reader was joined to at `from` or joined since but has left. From the reader's own rows.
 */
export function roomsOfReader(reader: string, from: PositionVector | null, ownRows: readonly DeviceListRow[]): { current: string[]; left: string[] } {
  const current: string[] = [];
  const left: string[] = [];
  const mine = ownRows.filter((r): r is MembershipRow => r.kind === 'member' && r.userId === reader);
  for (const [, latest] of latestMemberships(mine)) {
    if (latest.membership === 'join') {
      current.push(latest.roomId);
      continue;
    }
    if (from === null) continue;
    const inRoom = mine.filter((r) => r.roomId === latest.roomId);
    const atFrom = inRoom.filter((r) => !after(from, r)).sort((a, b) => b.offset - a.offset)[0];
    const joinedSince = inRoom.some((r) => after(from, r) && r.membership === 'join');
    if (atFrom?.membership === 'join' || joinedSince) left.push(latest.roomId);
  }
  return { current: current.sort(), left: left.sort() };
}

/**
 * Pure: who the reader must re-query (`changed`) and may stop tracking (`left`) since `from`.
 * - The reader's own device changes: the reader is in `changed`, rooms or not; so is a user whose
 *   master key the reader signed.
 * - In a shared room: a member's device change, or a member joining, puts them in `changed`;
 *   the reader joining (or, with encrypted rooms only, the room turning encryption on) puts
 *   every member in `changed`.
 * - Anyone who appeared above or left a room the reader is in, or was in a room the reader left,
 *   and shares no room with the reader now, is in `left` (never also in `changed`).
 * `rows` are the reader's own rows and every row of the rooms from `roomsOfReader`.
 */
export function deviceListChanges(reader: string, from: PositionVector, rows: readonly DeviceListRow[], rules: SharingRules): DeviceListChanges {
  const encryptedRows = rows.filter((r): r is EncryptedRow => r.kind === 'encrypted');
  const encrypted = new Set(encryptedRows.map((r) => r.roomId));
  const counts = (roomId: string) => !rules.encryptedRoomsOnly || encrypted.has(roomId);
  const encryptedSince = new Set(encryptedRows.filter((r) => after(from, r)).map((r) => r.roomId));
  const rooms = roomsOfReader(reader, from, rows);
  const shared = new Set(rooms.current.filter(counts));
  const leftRooms = new Set(rooms.left.filter(counts));

  const latest = latestMemberships(rows);
  const membersOf = new Map<string, Set<string>>();
  for (const row of latest.values()) {
    if (row.membership !== 'join') continue;
    if (!membersOf.has(row.roomId)) membersOf.set(row.roomId, new Set());
    membersOf.get(row.roomId)!.add(row.userId);
  }
  const sharing = new Set<string>();
  for (const roomId of shared) for (const user of membersOf.get(roomId) ?? []) sharing.add(user);

  const readerJoinedSince = new Set(
    rows.filter((r): r is MembershipRow => r.kind === 'member' && r.userId === reader && r.membership === 'join' && after(from, r)).map((r) => r.roomId),
  );
  const candidates = new Set<string>();
  const leaving = new Set<string>();
  for (const roomId of shared) {
    if (readerJoinedSince.has(roomId) || (rules.encryptedRoomsOnly && encryptedSince.has(roomId))) {
      for (const user of membersOf.get(roomId) ?? []) candidates.add(user);
    }
  }
  let ownChange = false;
  const signedByReader = new Set<string>();
  for (const row of rows) {
    if (!after(from, row)) continue;
    if (row.kind === 'own') {
      if (row.userId !== reader) continue;
      if (row.subject !== undefined && row.subject !== reader) signedByReader.add(row.subject);
      else ownChange = true;
      continue;
    }
    if (row.kind === 'encrypted') continue;
    if (leftRooms.has(row.roomId)) {
      leaving.add(row.userId);
      continue;
    }
    if (!shared.has(row.roomId)) continue;
    if (row.kind === 'change' || row.membership === 'join') candidates.add(row.userId);
    else leaving.add(row.userId);
  }
  // Everyone who was in a room the reader left may have to go.
  for (const roomId of leftRooms) for (const user of membersOf.get(roomId) ?? []) leaving.add(user);

  const changed = new Set([...candidates].filter((u) => u !== reader && sharing.has(u)));
  if (ownChange) changed.add(reader);
  // Users the reader signed are tracked by the reader whether or not they share a room now.
  for (const user of signedByReader) changed.add(user);
  const left = [...new Set([...candidates, ...leaving])].filter((u) => u !== reader && !sharing.has(u) && !signedByReader.has(u));
  return { changed: [...changed].sort(), left: left.sort() };
}
