import { BackupSessionUpload, DomainEvent, RecordedEvent } from '@app/contracts';
import { DocMeta, EventOf, isDeclaredBy } from '../projection/projection';

/** What GET /room_keys/version[/{v}] answers for one version. */
export interface BackupVersionEntry {
  readonly version: string;
  readonly algorithm: string;
  readonly authDataJson: string;
  readonly etag: string;
  readonly count: number;
}

/**
 * One per user: the versions not deleted (ascending by number; the last is the current one), each
 * with its auth data, etag and count. Its `_meta` is the last backup event of the user applied,
 * and it is written after the other documents of a batch: an event at or below it is done.
 */
export interface BackupUserDoc {
  readonly _id: string;
  readonly kind: 'user';
  readonly userId: string;
  readonly current: string | null;
  readonly versions: readonly BackupVersionEntry[];
  readonly _meta: DocMeta;
}

/** One per (user, version) holding keys: the rooms that hold sessions, sorted. Absent when none. */
export interface BackupRoomsDoc {
  readonly _id: string;
  readonly kind: 'rooms';
  readonly userId: string;
  readonly version: string;
  readonly rooms: readonly string[];
  readonly _meta: DocMeta;
}

/** A stored session: its id, and its KeyBackupData as the JSON text served (`session_data` as uploaded). */
export interface BackupSessionEntry {
  readonly sessionId: string;
  readonly json: string;
}

/**
 * One per (user, version, room) holding sessions. `sessionsJson` is the JSON text of
 * `[[sessionId, keyBackupDataJson], ...]` sorted by session id: session ids contain '.', so they
 * are values, never field names, and one string value is far cheaper for the store to convert
 * than hundreds of nested objects. Absent when the room holds none.
 */
export interface BackupRoomDoc {
  readonly _id: string;
  readonly kind: 'room';
  readonly userId: string;
  readonly version: string;
  readonly roomId: string;
  readonly count: number;
  readonly sessionsJson: string;
  readonly _meta: DocMeta;
}

/** A room document's sessions, sorted by session id. */
export const roomSessions = (room: BackupRoomDoc | null): BackupSessionEntry[] =>
  room ? (JSON.parse(room.sessionsJson) as [string, string][]).map(([sessionId, json]) => ({ sessionId, json })) : [];

export type BackupDoc = BackupUserDoc | BackupRoomsDoc | BackupRoomDoc;

/** A document the batch removes, with the position of the event that removed it (the write guard). */
export interface BackupDeletion {
  readonly _id: string;
  readonly _meta: DocMeta;
}

export const backupUserDocId = (userId: string): string => JSON.stringify(['user', userId]);
export const backupRoomsDocId = (userId: string, version: string): string => JSON.stringify(['rooms', userId, version]);
export const backupRoomDocId = (userId: string, version: string, roomId: string): string => JSON.stringify(['room', userId, version, roomId]);

export const BACKUP_EVENTS = ['BackupVersionCreated', 'BackupVersionUpdated', 'BackupVersionDeleted', 'BackupKeysStored', 'BackupKeysDeleted'] as const;

export type BackupEvent = EventOf<(typeof BACKUP_EVENTS)[number]>;

export const isBackupEvent = (event: DomainEvent): event is BackupEvent => isDeclaredBy<BackupEvent>({ handles: BACKUP_EVENTS }, event);

/** The KeyBackupData JSON of an uploaded session, as served (session_data spliced in as uploaded). */
export const keyBackupDataJson = (s: BackupSessionUpload): string =>
  `{"first_message_index":${s.firstMessageIndex},"forwarded_count":${s.forwardedCount},"is_verified":${s.isVerified},"session_data":${s.sessionDataJson}}`;

/** The user's events a batch still has to apply: those past the user document's position. */
export function pendingFor(user: BackupUserDoc | null, events: readonly RecordedEvent<BackupEvent>[]): RecordedEvent<BackupEvent>[] {
  if (!user) return [...events];
  return events.filter((e) => e.partition !== user._meta.partition || Number(e.offset) > user._meta.offset);
}

/** The documents a user's pending events read before they are folded (all by `_id`). */
export function idsToRead(userId: string, events: readonly RecordedEvent<BackupEvent>[]): string[] {
  const ids = new Set<string>();
  for (const { event } of events) {
    if (event.type === 'BackupKeysStored') {
      ids.add(backupRoomsDocId(userId, event.data.version));
      for (const s of event.data.sessions) ids.add(backupRoomDocId(userId, event.data.version, s.roomId));
    } else if (event.type === 'BackupKeysDeleted') {
      ids.add(backupRoomsDocId(userId, event.data.version));
      if (event.data.roomId !== null) ids.add(backupRoomDocId(userId, event.data.version, event.data.roomId));
    } else if (event.type === 'BackupVersionDeleted') {
      ids.add(backupRoomsDocId(userId, event.data.version));
    }
  }
  return [...ids];
}

/** What a batch writes for one user: the room and rooms documents first, the user document last. */
export interface BackupWrites {
  readonly puts: readonly (BackupRoomsDoc | BackupRoomDoc)[];
  readonly deletes: readonly BackupDeletion[];
  readonly user: BackupUserDoc | null;
}

interface RoomsState {
  rooms: Set<string>;
  meta: DocMeta | null;
  /** Whether it was stored when read (its id is always read): an absent one needs no delete. */
  readonly stored: boolean;
}

interface RoomState {
  readonly version: string;
  readonly roomId: string;
  sessions: Map<string, string>;
  meta: DocMeta | null;
}

/**
 * Folds one user's pending backup events (in log order) into the documents read for them (`loaded`,
 * by `_id`; a missing id is an absent document). Every step sets or removes keys, so folding the
 * same events again onto documents that already hold some of them ends in the same documents:
 * a redelivered batch, or one whose writes stopped halfway, converges. Each touched document gets
 * the position of the last event that touched it, so live runs and replays write identical ones.
 */
export function foldUserBackup(
  userId: string,
  user: BackupUserDoc | null,
  loaded: ReadonlyMap<string, BackupDoc>,
  events: readonly RecordedEvent<BackupEvent>[],
): BackupWrites {
  const versions = new Map<string, BackupVersionEntry>((user?.versions ?? []).map((v) => [v.version, v]));
  let userMeta: DocMeta | null = null;
  const roomsOf = new Map<string, RoomsState>();
  const roomOf = new Map<string, RoomState>();

  const rooms = (version: string): RoomsState => {
    let state = roomsOf.get(version);
    if (!state) {
      const doc = loaded.get(backupRoomsDocId(userId, version)) as BackupRoomsDoc | undefined;
      state = { rooms: new Set(doc?.rooms ?? []), meta: null, stored: doc !== undefined };
      roomsOf.set(version, state);
    }
    return state;
  };
  const room = (version: string, roomId: string): RoomState => {
    const id = backupRoomDocId(userId, version, roomId);
    let state = roomOf.get(id);
    if (!state) {
      // Rooms cleared as a whole are never read: whatever they held, they are empty now.
      const doc = loaded.get(id) as BackupRoomDoc | undefined;
      state = { version, roomId, sessions: new Map(roomSessions(doc ?? null).map((s) => [s.sessionId, s.json])), meta: null };
      roomOf.set(id, state);
    }
    return state;
  };
  const setEntry = (version: string, change: Partial<BackupVersionEntry>) => {
    const entry = versions.get(version);
    if (entry) versions.set(version, { ...entry, ...change });
  };
  /** Empties rooms of a version: the listed ones and any this batch touched. */
  const clearRooms = (version: string, only: string | null, meta: DocMeta) => {
    const state = rooms(version);
    const targets = new Set(only === null ? [...state.rooms] : [only]);
    if (only === null) for (const r of roomOf.values()) if (r.version === version) targets.add(r.roomId);
    for (const roomId of targets) {
      const r = room(version, roomId);
      r.sessions = new Map();
      r.meta = meta;
      state.rooms.delete(roomId);
    }
    state.meta = meta;
  };

  for (const recorded of events) {
    const { event } = recorded;
    const meta: DocMeta = { partition: recorded.partition, offset: Number(recorded.offset) };
    userMeta = meta;
    switch (event.type) {
      case 'BackupVersionCreated': {
        const { version, algorithm, authDataJson } = event.data;
        versions.set(version, { version, algorithm, authDataJson, etag: '0', count: 0 });
        break;
      }
      case 'BackupVersionUpdated':
        setEntry(event.data.version, { authDataJson: event.data.authDataJson });
        break;
      case 'BackupVersionDeleted':
        versions.delete(event.data.version);
        clearRooms(event.data.version, null, meta);
        break;
      case 'BackupKeysStored': {
        const { version, sessions, etag, count } = event.data;
        setEntry(version, { etag, count });
        const state = rooms(version);
        state.meta = meta;
        for (const s of sessions) {
          const r = room(version, s.roomId);
          r.sessions.set(s.sessionId, keyBackupDataJson(s));
          r.meta = meta;
          state.rooms.add(s.roomId);
        }
        break;
      }
      case 'BackupKeysDeleted': {
        const { version, roomId, sessionId, etag, count } = event.data;
        setEntry(version, { etag, count });
        if (roomId === null || sessionId === null) {
          clearRooms(version, roomId, meta);
        } else {
          const r = room(version, roomId);
          r.sessions.delete(sessionId);
          r.meta = meta;
          const state = rooms(version);
          if (r.sessions.size === 0) state.rooms.delete(roomId);
          state.meta = meta;
        }
        break;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`backups projection: unhandled ${(unhandled as BackupEvent).type}`);
      }
    }
  }

  const puts: (BackupRoomsDoc | BackupRoomDoc)[] = [];
  const deletes: BackupDeletion[] = [];
  for (const [id, r] of roomOf) {
    if (!r.meta) continue;
    if (r.sessions.size === 0) deletes.push({ _id: id, _meta: r.meta });
    else {
      const sessions = [...r.sessions].sort(([a], [b]) => compare(a, b));
      puts.push({
        _id: id,
        kind: 'room',
        userId,
        version: r.version,
        roomId: r.roomId,
        count: sessions.length,
        sessionsJson: JSON.stringify(sessions),
        _meta: r.meta,
      });
    }
  }
  for (const [version, state] of roomsOf) {
    if (!state.meta) continue;
    const id = backupRoomsDocId(userId, version);
    if (state.rooms.size === 0) {
      if (state.stored) deletes.push({ _id: id, _meta: state.meta });
    } else puts.push({ _id: id, kind: 'rooms', userId, version, rooms: [...state.rooms].sort(compare), _meta: state.meta });
  }
  if (!userMeta) return { puts, deletes, user: null };
  const list = [...versions.values()].sort((a, b) => Number(a.version) - Number(b.version));
  return {
    puts,
    deletes,
    user: {
      _id: backupUserDocId(userId),
      kind: 'user',
      userId,
      current: list.length === 0 ? null : list[list.length - 1].version,
      versions: list,
      _meta: userMeta,
    },
  };
}

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A version of the user document, or null when it is deleted or never existed. */
export const versionEntry = (user: BackupUserDoc | null, version: string): BackupVersionEntry | null =>
  user?.versions.find((v) => v.version === version) ?? null;

/** The current version (the newest not deleted), or null. */
export const currentEntry = (user: BackupUserDoc | null): BackupVersionEntry | null => (user?.current ? versionEntry(user, user.current) : null);

/** One session's KeyBackupData JSON in a room's sessions (sorted), or null. */
export function sessionJson(sessions: readonly BackupSessionEntry[], sessionId: string): string | null {
  let lo = 0;
  let hi = sessions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compare(sessions[mid].sessionId, sessionId);
    if (c === 0) return sessions[mid].json;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}
