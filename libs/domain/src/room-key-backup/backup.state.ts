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

/** Kept in the state under the key `backup:<user id>`. */
export interface BackupState {
  /** The highest version ever created: ids are never reused, even after deletion. */
  readonly lastVersion: number;
  readonly versions: Readonly<Record<string, BackupVersionState>>;
}

export const emptyBackup = (): BackupState => ({ lastVersion: 0, versions: {} });

export const sessionKey = (roomId: string, sessionId: string): string => JSON.stringify([roomId, sessionId]);

/** The current version: the newest one not deleted (deleting it makes the previous one current). */
export function currentVersion(backup: BackupState): string | null {
  const live = Object.entries(backup.versions).filter(([, v]) => !v.deleted).map(([id]) => Number(id));
  return live.length === 0 ? null : String(Math.max(...live));
}
