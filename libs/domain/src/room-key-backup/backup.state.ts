import { BackedUpKeyRank } from './keep-or-replace';

/** One backup version as its owner decides on it: never the opaque session data, only the ranks. */
export interface BackupVersionState {
  readonly algorithm: string;
  readonly deleted: boolean;
  /** Bumped whenever the stored keys change. */
  readonly etag: number;
  /** By `JSON.stringify([roomId, sessionId])`. */
  readonly sessions: Readonly<Record<string, BackedUpKeyRank>>;
}

/** The user's backups: their versions, and the highest one ever created. */
export interface BackupState {
  /** The highest version ever created: ids are never reused, even after deletion. */
  readonly lastVersion: number;
  readonly versions: Readonly<Record<string, BackupVersionState>>;
}

/** The room-key backup aggregate, kept under the key `backup:<user id>`. */
export interface RoomKeyBackupState {
  /** Absent until the user's first backup command. */
  readonly backup?: BackupState;
}

export const emptyBackup = (): BackupState => ({ lastVersion: 0, versions: {} });

export const sessionKey = (roomId: string, sessionId: string): string => JSON.stringify([roomId, sessionId]);

/** The current version: the newest one not deleted (deleting it makes the previous one current). */
export function currentVersion(backup: BackupState): string | null {
  const live = Object.entries(backup.versions)
    .filter(([, v]) => !v.deleted)
    .map(([id]) => Number(id));
  return live.length === 0 ? null : String(Math.max(...live));
}

/** Whether a session key (see `sessionKey`) is in the room and session named; null names any. */
export function sessionKeyMatches(key: string, roomId: string | null, sessionId: string | null): boolean {
  const [room, session] = JSON.parse(key) as [string, string];
  return (roomId === null || room === roomId) && (sessionId === null || session === sessionId);
}
