import { EventOf } from '@app/contracts';
import { own } from '@app/matrix';
import { BackupState, BackupVersionState, RoomKeyBackupState, emptyBackup, sessionKeyMatches, sessionKey } from './backup.state';

export type BackupEvent = EventOf<'BackupVersionCreated' | 'BackupVersionUpdated' | 'BackupVersionDeleted' | 'BackupKeysStored' | 'BackupKeysDeleted'>;

export function evolveBackups<S extends RoomKeyBackupState>(state: S, event: BackupEvent): S {
  return { ...state, backup: evolveBackup(state.backup, event) };
}

/** Folds a backup event into the backup state. */
export function evolveBackup(backup: BackupState | undefined, event: BackupEvent): BackupState {
  const state = backup ?? emptyBackup();
  const withVersion = (version: string, next: BackupVersionState): BackupState => ({ ...state, versions: { ...state.versions, [version]: next } });
  switch (event.type) {
    case 'BackupVersionCreated':
      return {
        lastVersion: Math.max(state.lastVersion, Number(event.data.version)),
        versions: { ...state.versions, [event.data.version]: { algorithm: event.data.algorithm, deleted: false, etag: 0, sessions: {} } },
      };
    case 'BackupVersionUpdated':
      return state;
    case 'BackupVersionDeleted':
      return withVersion(event.data.version, { ...own(state.versions, event.data.version)!, deleted: true, sessions: {} });
    case 'BackupKeysStored': {
      const v = own(state.versions, event.data.version)!;
      const sessions = { ...v.sessions };
      for (const s of event.data.sessions)
        sessions[sessionKey(s.roomId, s.sessionId)] = { isVerified: s.isVerified, firstMessageIndex: s.firstMessageIndex, forwardedCount: s.forwardedCount };
      return withVersion(event.data.version, { ...v, etag: Number(event.data.etag), sessions });
    }
    case 'BackupKeysDeleted': {
      const v = own(state.versions, event.data.version)!;
      const { roomId, sessionId } = event.data;
      const sessions = Object.fromEntries(Object.entries(v.sessions).filter(([key]) => !sessionKeyMatches(key, roomId, sessionId)));
      return withVersion(event.data.version, { ...v, etag: Number(event.data.etag), sessions });
    }
    default: {
      const unhandled: never = event;
      throw new Error(`evolveBackup: unhandled event ${(unhandled as BackupEvent).type}`);
    }
  }
}
