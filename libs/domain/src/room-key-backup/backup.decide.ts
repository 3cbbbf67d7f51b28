import {
  BackupKeysDeleted,
  BackupKeysStored,
  BackupSessionUpload,
  BackupVersionCreated,
  BackupVersionDeleted,
  BackupVersionUpdated,
  CreateBackupVersionCommand,
  DeleteBackupKeysCommand,
  DeleteBackupVersionCommand,
  DomainEvent,
  PutBackupKeysCommand,
  UpdateBackupVersionCommand,
} from '@app/contracts';
import { own } from '@app/matrix';
import { Decision, reject } from '../user-keys/decision';
import { APPLIED, eventOf } from '../user-keys/event-of';
import { BackupState, BackupVersionState, currentVersion, emptyBackup, sessionKey } from './backup.state';
import { replacesStoredKey } from './keep-or-replace';

/** Sessions per BackupKeysStored event: one large upload is one command, in bounded events. */
export const SESSIONS_PER_EVENT = 1000;

export function decideCreateBackupVersion(backup: BackupState | undefined, command: CreateBackupVersionCommand): Decision {
  const version = String((backup ?? emptyBackup()).lastVersion + 1);
  const { userId, algorithm, authDataJson } = command.data;
  return {
    ok: true,
    events: [eventOf<BackupVersionCreated>(command, 0, 'BackupVersionCreated', { userId, version, algorithm, authDataJson })],
    result: { kind: 'backup-version', version },
  };
}

export function decideUpdateBackupVersion(backup: BackupState | undefined, command: UpdateBackupVersionCommand): Decision {
  const { userId, version, algorithm, authDataJson } = command.data;
  const existing = own(backup?.versions, version);
  if (!existing || existing.deleted) return reject('BACKUP_NOT_FOUND', `Unknown backup version ${version}`);
  if (existing.algorithm !== algorithm) return reject('BACKUP_MISMATCH', 'The algorithm of a backup version cannot change');
  return { ok: true, events: [eventOf<BackupVersionUpdated>(command, 0, 'BackupVersionUpdated', { userId, version, authDataJson })], result: APPLIED };
}

/** Deleting a deleted version again is fine; one that never existed is not found. */
export function decideDeleteBackupVersion(backup: BackupState | undefined, command: DeleteBackupVersionCommand): Decision {
  const { userId, version } = command.data;
  const existing = own(backup?.versions, version);
  if (!existing) return reject('BACKUP_NOT_FOUND', `Unknown backup version ${version}`);
  if (existing.deleted) return { ok: true, events: [], result: APPLIED };
  return { ok: true, events: [eventOf<BackupVersionDeleted>(command, 0, 'BackupVersionDeleted', { userId, version })], result: APPLIED };
}

/** Key writes go to the current version only: an older existing one is refused with the current one named. */
function writable(backup: BackupState | undefined, version: string): { ok: true; state: BackupVersionState } | { ok: false; decision: Decision } {
  const existing = own(backup?.versions, version);
  if (!backup || !existing || existing.deleted) return { ok: false, decision: reject('BACKUP_NOT_FOUND', `Unknown backup version ${version}`) };
  const current = currentVersion(backup);
  if (current !== version) {
    return { ok: false, decision: { ok: false, rejection: { code: 'WRONG_BACKUP_VERSION', message: `Backup version ${version} is not the current one`, currentVersion: current ?? undefined } } };
  }
  return { ok: true, state: existing };
}

export function decidePutBackupKeys(backup: BackupState | undefined, command: PutBackupKeysCommand): Decision {
  const { userId, version, sessions } = command.data;
  const target = writable(backup, version);
  if (!target.ok) return target.decision;
  const stored = { ...target.state.sessions };
  const changed = new Map<string, BackupSessionUpload>();
  for (const upload of sessions) {
    const key = sessionKey(upload.roomId, upload.sessionId);
    const rank = { isVerified: upload.isVerified, firstMessageIndex: upload.firstMessageIndex, forwardedCount: upload.forwardedCount };
    if (stored[key] && !replacesStoredKey(stored[key], rank)) continue;
    stored[key] = rank;
    changed.set(key, upload);
  }
  const count = Object.keys(stored).length;
  if (changed.size === 0) return { ok: true, events: [], result: { kind: 'backup-keys', etag: String(target.state.etag), count } };
  const etag = String(target.state.etag + 1);
  const all = [...changed.values()];
  const events: DomainEvent[] = [];
  for (let i = 0; i < all.length; i += SESSIONS_PER_EVENT) {
    const chunk = all.slice(i, i + SESSIONS_PER_EVENT);
    events.push(eventOf<BackupKeysStored>(command, events.length, 'BackupKeysStored', { userId, version, sessions: chunk, etag, count }));
  }
  return { ok: true, events, result: { kind: 'backup-keys', etag, count } };
}

export function decideDeleteBackupKeys(backup: BackupState | undefined, command: DeleteBackupKeysCommand): Decision {
  const { userId, version, roomId, sessionId } = command.data;
  const target = writable(backup, version);
  if (!target.ok) return target.decision;
  const remaining = Object.keys(target.state.sessions).filter((key) => !matches(key, roomId, sessionId));
  const before = Object.keys(target.state.sessions).length;
  if (remaining.length === before) return { ok: true, events: [], result: { kind: 'backup-keys', etag: String(target.state.etag), count: before } };
  const etag = String(target.state.etag + 1);
  return {
    ok: true,
    events: [eventOf<BackupKeysDeleted>(command, 0, 'BackupKeysDeleted', { userId, version, roomId, sessionId, etag, count: remaining.length })],
    result: { kind: 'backup-keys', etag, count: remaining.length },
  };
}

export function matches(key: string, roomId: string | null, sessionId: string | null): boolean {
  const [room, session] = JSON.parse(key) as [string, string];
  return (roomId === null || room === roomId) && (sessionId === null || session === sessionId);
}

/** Folds a backup event into the backup state. */
export function evolveBackup(backup: BackupState | undefined, event: DomainEvent): BackupState {
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
      for (const s of event.data.sessions) sessions[sessionKey(s.roomId, s.sessionId)] = { isVerified: s.isVerified, firstMessageIndex: s.firstMessageIndex, forwardedCount: s.forwardedCount };
      return withVersion(event.data.version, { ...v, etag: Number(event.data.etag), sessions });
    }
    case 'BackupKeysDeleted': {
      const v = own(state.versions, event.data.version)!;
      const { roomId, sessionId } = event.data;
      const sessions = Object.fromEntries(Object.entries(v.sessions).filter(([key]) => !matches(key, roomId, sessionId)));
      return withVersion(event.data.version, { ...v, etag: Number(event.data.etag), sessions });
    }
    default:
      return state;
  }
}
