import { DEVICE_LIST_CHANGE_EVENTS, DomainEvent, RecordedEvent } from '@app/contracts';
import { DocMeta, EventOf } from '../projection/projection';
import { ChangeRow, DeviceListRow, EncryptedRow, MembershipRow, OwnChangeRow, changesDeviceList, rowId } from './device-list-rows';

/**
 * The device-lists read model as documents reached by `_id`, shaped by the reads of /keys/changes
 * and the sync extension. They are a compaction of the rows of device-list-rows.ts (the reference
 * semantics): reads turn documents back into rows (`rowsOf`) and fold them with the same pure
 * function. Every document has one writer, the runner of one partition of e2ee.events:
 *  - `u|<user>`: a user's membership history and latest own changes (their events are in one partition);
 *  - `r|<room>|<partition>`: the room's members whose events are in that partition, each with their
 *    latest membership and latest device change (a room's members are spread over every partition,
 *    and FerretDB's updates are not atomic, so a room is split by writer);
 *  - `e|<room>`: when the room turned encryption on (the room's own partition).
 * Each entry keeps its previous value too, so a read bounded by a token (`until`) still sees the
 * state as of that token while one newer change per entry is in flight. Rows read twice (a
 * membership is in its user's document and its room part) have one id and count once.
 */

/** A position in e2ee.events: one partition per document, so offsets compare. */
export interface At {
  readonly offset: number;
}

export interface MembershipOf extends At {
  readonly membership: string;
}

export interface MembershipAt extends At {
  readonly roomId: string;
  readonly membership: string;
}

export interface SubjectAt {
  readonly userId: string;
  /** Newest first, at most two. */
  readonly offsets: readonly number[];
}

export interface UserListDoc {
  readonly _id: string;
  readonly _meta: DocMeta;
  readonly userId: string;
  readonly partition: number;
  /** Membership changes in log order, at most MEMBERSHIP_HISTORY per room. */
  readonly memberships: readonly MembershipAt[];
  /** Offsets of the user's own device-list changes, newest first, at most two. */
  readonly own: readonly number[];
  /** Users whose master key this user signed, with when. */
  readonly subjects: readonly SubjectAt[];
}

export interface RoomMember {
  readonly userId: string;
  /**
   * Newest first, at most two of each: memberships, joins, and other memberships. "Joined (or
   * left) since `from`" asks for the newest of a kind, which the newest membership alone hides.
   */
  readonly memberships: readonly MembershipOf[];
  readonly joins: readonly number[];
  readonly others: readonly MembershipOf[];
  /** Device-list changes while joined, newest first, at most two. */
  readonly changes: readonly number[];
}

export interface RoomPartDoc {
  readonly _id: string;
  readonly _meta: DocMeta;
  readonly roomId: string;
  readonly partition: number;
  readonly members: readonly RoomMember[];
}

export interface RoomEncryptionDoc {
  readonly _id: string;
  readonly _meta: DocMeta;
  readonly roomId: string;
  readonly partition: number;
  /** The first RoomEncryptionEnabled and the newest two (rooms keep encryption on). */
  readonly offsets: readonly number[];
}

export type DeviceListDoc = UserListDoc | RoomPartDoc | RoomEncryptionDoc;

/** Enough history per room for "member at `from`, or joined since" after many rejoins. */
export const MEMBERSHIP_HISTORY = 8;

/** What the device-list documents are folded from: memberships, room encryption and device-list changes. */
export const DEVICE_LIST_EVENTS = ['MembershipChanged', 'RoomEncryptionEnabled', ...DEVICE_LIST_CHANGE_EVENTS] as const;
export type DeviceListEvent = EventOf<(typeof DEVICE_LIST_EVENTS)[number]>;

export const userDocId = (userId: string): string => `u|${userId}`;
export const roomPartId = (roomId: string, partition: number): string => `r|${roomId}|${partition}`;
export const encryptionDocId = (roomId: string): string => `e|${roomId}`;

const newestTwo = (offset: number, previous: readonly number[] = []): number[] => [offset, ...previous.filter((o) => o !== offset)].slice(0, 2);

/** The rooms a user is joined to just before `offset` (their memberships are in log order). */
export function joinedRoomsOf(doc: UserListDoc | null, offset = Number.POSITIVE_INFINITY): string[] {
  const latest = new Map<string, string>();
  for (const m of doc?.memberships ?? []) if (m.offset < offset) latest.set(m.roomId, m.membership);
  return [...latest]
    .filter(([, membership]) => membership === 'join')
    .map(([roomId]) => roomId)
    .sort();
}

/**
 * The documents an event names: its user's, a membership's room part, a room's encryption. A
 * device change also changes the parts of the user's rooms, which the event does not name: a
 * copy of a part depends on its members' documents instead (`memberDocIdsOf`).
 */
export function deviceListDocsNamedBy(event: DomainEvent, partition: number): string[] {
  if (event.type === 'MembershipChanged') return [userDocId(event.data.userId), roomPartId(event.data.roomId, partition)];
  if (event.type === 'RoomEncryptionEnabled') return [encryptionDocId(event.data.roomId)];
  if (changesDeviceList(event)) return [userDocId(event.data.userId)];
  return [];
}

/** The user documents a room part's content also depends on (its members' device changes). */
export function memberDocIdsOf(doc: DeviceListDoc): string[] {
  return 'members' in doc ? doc.members.map((m) => userDocId(m.userId)) : [];
}

/** The user whose document an event reads or writes, if any. */
export function userOf(recorded: RecordedEvent): string | undefined {
  const { event } = recorded;
  if (event.type === 'MembershipChanged') return event.data.userId;
  if (changesDeviceList(event)) return event.data.userId;
  return undefined;
}

/**
 * Pure: applies one event to the documents it touches, in `docs` (by `_id`; missing ones are
 * created). An event at or below a document's position changes nothing there (redelivery, replay).
 * Returns the ids it changed.
 */
export function applyToDocs(docs: Map<string, DeviceListDoc>, recorded: RecordedEvent<DeviceListEvent>): string[] {
  const { event, partition } = recorded;
  const offset = Number(recorded.offset);
  const meta: DocMeta = { partition, offset };
  const changed: string[] = [];
  const update = <D extends DeviceListDoc>(id: string, fresh: () => D, change: (doc: D) => D): void => {
    const current = (docs.get(id) as D | undefined) ?? fresh();
    if (current._meta.offset >= offset) return;
    docs.set(id, { ...change(current), _meta: meta });
    changed.push(id);
  };
  if (event.type === 'MembershipChanged') {
    const { userId, roomId, membership } = event.data;
    update<UserListDoc>(
      userDocId(userId),
      () => emptyUser(userId, partition),
      (doc) => ({ ...doc, memberships: withMembership(doc.memberships, { roomId, membership, offset }) }),
    );
    update<RoomPartDoc>(
      roomPartId(roomId, partition),
      () => emptyRoomPart(roomId, partition),
      (doc) =>
        withMember(doc, userId, (m) => ({
          ...m,
          memberships: [{ membership, offset }, ...m.memberships].slice(0, 2),
          joins: membership === 'join' ? newestTwo(offset, m.joins) : m.joins,
          others: membership === 'join' ? m.others : [{ membership, offset }, ...m.others].slice(0, 2),
        })),
    );
    return changed;
  }
  if (event.type === 'RoomEncryptionEnabled') {
    const { roomId } = event.data;
    update<RoomEncryptionDoc>(
      encryptionDocId(roomId),
      () => ({ _id: encryptionDocId(roomId), _meta: { partition, offset: -1 }, roomId, partition, offsets: [] }),
      (doc) => ({
        ...doc,
        offsets: doc.offsets.length === 0 ? [offset] : [doc.offsets[0], ...newestTwo(offset, doc.offsets.slice(1))],
      }),
    );
    return changed;
  }
  // The rest change the user's device list (DEVICE_LIST_CHANGE_EVENTS).
  const { userId } = event.data;
  const before = docs.get(userDocId(userId)) as UserListDoc | undefined;
  const rooms = joinedRoomsOf(before ?? null, offset);
  let selfConcerned = true;
  let subjects: string[] = [];
  if (event.type === 'SignaturesUploaded') {
    // Signing someone else's master key is news for the signer only (who they verified is theirs to know).
    subjects = [...new Set(event.data.signatures.map((s) => s.targetUserId).filter((u) => u !== userId))];
    selfConcerned = event.data.signatures.some((s) => s.targetUserId === userId);
  }
  update<UserListDoc>(
    userDocId(userId),
    () => emptyUser(userId, partition),
    (doc) => ({
      ...doc,
      own: selfConcerned ? newestTwo(offset, doc.own) : doc.own,
      subjects: subjects.length === 0 ? doc.subjects : withSubjects(doc.subjects, subjects, offset),
    }),
  );
  if (!selfConcerned) return changed;
  // A user-signing key alone concerns only its owner.
  if (event.type === 'CrossSigningKeysUploaded' && event.data.keys.every((k) => k.kind === 'user_signing')) return changed;
  for (const roomId of rooms) {
    update<RoomPartDoc>(
      roomPartId(roomId, partition),
      () => emptyRoomPart(roomId, partition),
      (doc) => withMember(doc, userId, (m) => ({ ...m, changes: newestTwo(offset, m.changes) })),
    );
  }
  return changed;
}

const emptyUser = (userId: string, partition: number): UserListDoc => ({
  _id: userDocId(userId),
  _meta: { partition, offset: -1 },
  userId,
  partition,
  memberships: [],
  own: [],
  subjects: [],
});

const emptyRoomPart = (roomId: string, partition: number): RoomPartDoc => ({
  _id: roomPartId(roomId, partition),
  _meta: { partition, offset: -1 },
  roomId,
  partition,
  members: [],
});

function withMembership(history: readonly MembershipAt[], added: MembershipAt): MembershipAt[] {
  const next = [...history, added];
  const inRoom = next.filter((m) => m.roomId === added.roomId);
  if (inRoom.length <= MEMBERSHIP_HISTORY) return next;
  const dropped = new Set(inRoom.slice(0, inRoom.length - MEMBERSHIP_HISTORY));
  return next.filter((m) => !dropped.has(m));
}

function withSubjects(current: readonly SubjectAt[], subjects: readonly string[], offset: number): SubjectAt[] {
  const byUser = new Map(current.map((s) => [s.userId, s]));
  for (const userId of subjects) byUser.set(userId, { userId, offsets: newestTwo(offset, byUser.get(userId)?.offsets) });
  return [...byUser.values()].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

function withMember(doc: RoomPartDoc, userId: string, change: (member: RoomMember) => RoomMember): RoomPartDoc {
  const index = doc.members.findIndex((m) => m.userId === userId);
  const current: RoomMember = index >= 0 ? doc.members[index] : { userId, memberships: [], joins: [], others: [], changes: [] };
  const members = [...doc.members];
  if (index >= 0) members[index] = change(current);
  else members.push(change(current));
  return { ...doc, members };
}

/** The rows a document stands for (ids as device-list-rows.ts gives them, so rows read twice are one). */
export function rowsOf(doc: DeviceListDoc): DeviceListRow[] {
  if ('memberships' in doc && 'userId' in doc) {
    const { userId, partition } = doc;
    const rows: DeviceListRow[] = doc.memberships.map((m): MembershipRow => ({
      _id: rowId('member', partition, m.offset),
      kind: 'member',
      roomId: m.roomId,
      userId,
      membership: m.membership,
      partition,
      offset: m.offset,
    }));
    for (const offset of doc.own) rows.push({ _id: rowId('own', partition, offset), kind: 'own', userId, partition, offset } satisfies OwnChangeRow);
    for (const s of doc.subjects) {
      for (const offset of s.offsets)
        rows.push({ _id: rowId('own', partition, offset, s.userId), kind: 'own', userId, subject: s.userId, partition, offset } satisfies OwnChangeRow);
    }
    return rows;
  }
  if ('members' in doc) {
    const { roomId, partition } = doc;
    return doc.members.flatMap((m) => [
      ...[...m.memberships, ...m.joins.map((offset) => ({ membership: 'join', offset })), ...m.others].map((ms): MembershipRow => ({
        _id: rowId('member', partition, ms.offset),
        kind: 'member',
        roomId,
        userId: m.userId,
        membership: ms.membership,
        partition,
        offset: ms.offset,
      })),
      ...m.changes.map((offset): ChangeRow => ({
        _id: rowId('change', partition, offset, roomId),
        kind: 'change',
        roomId,
        userId: m.userId,
        partition,
        offset,
      })),
    ]);
  }
  return doc.offsets.map((offset): EncryptedRow => ({
    _id: rowId('encrypted', doc.partition, offset),
    kind: 'encrypted',
    roomId: doc.roomId,
    partition: doc.partition,
    offset,
  }));
}

/**
 * How a document is stored: its position and kind as fields, its body as one JSON string.
 * FerretDB (SQLite) encodes nested arrays of objects field by field: a room part of 2,000 members
 * (220 KB) took 400 ms to read or replace that way and 16 ms as one string (measured on the local
 * store). On MongoDB a string is as cheap; nothing queries inside the body.
 */
export interface StoredDeviceListDoc {
  readonly _id: string;
  readonly _meta: DocMeta;
  readonly body: string;
}

export function toStored(doc: DeviceListDoc): StoredDeviceListDoc {
  const { _id, _meta, ...body } = doc;
  return { _id, _meta, body: JSON.stringify(body) };
}

export function fromStored(stored: StoredDeviceListDoc): DeviceListDoc {
  return { _id: stored._id, _meta: stored._meta, ...(JSON.parse(stored.body) as object) } as DeviceListDoc;
}
