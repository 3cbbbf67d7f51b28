import {
  BackupSessionUpload,
  CreateBackupVersionCommand,
  DeleteBackupKeysCommand,
  DeleteBackupVersionCommand,
  DomainEvent,
  PutBackupKeysCommand,
  UpdateBackupVersionCommand,
  EventOf,
} from '@app/contracts';
import { own } from '@app/matrix';
import { Decision, alreadyApplied, reject, withoutEvents } from '../shared/decision';
import { APPLIED, eventOf } from '../shared/event-of';
import { BackupState, BackupVersionState, RoomKeyBackupState, currentVersion, emptyBackup, sessionKeyMatches, sessionKey } from './backup.state';
import { replacesStoredKey } from './keep-or-replace';

export type BackupCommand =
  CreateBackupVersionCommand | UpdateBackupVersionCommand | DeleteBackupVersionCommand | PutBackupKeysCommand | DeleteBackupKeysCommand;

/**
 * A user's room-key backups. A redelivered key write is decided again on the state it already
 * changed, which gives the same answer (its keys tie with the stored ones and are kept).
 */
export function decideBackups(state: RoomKeyBackupState, command: BackupCommand, redelivered: boolean): Decision {
  const { backup } = state;
  switch (command.type) {
    case 'CreateBackupVersion':
      // The version it created is the newest one.
      return redelivered
        ? { ok: true, events: [], result: { kind: 'backup-version', version: String(backup?.lastVersion ?? 0) } }
        : decideCreateBackupVersion(backup, command);
    case 'UpdateBackupVersion':
      return redelivered ? alreadyApplied() : decideUpdateBackupVersion(backup, command);
    case 'DeleteBackupVersion':
      return redelivered ? alreadyApplied() : decideDeleteBackupVersion(backup, command);
    case 'PutBackupKeys': {
      const decision = decidePutBackupKeys(backup, command);
      return redelivered ? withoutEvents(decision) : decision;
    }
    case 'DeleteBackupKeys': {
      const decision = decideDeleteBackupKeys(backup, command);
      return redelivered ? withoutEvents(decision) : decision;
    }
    default: {
      const unhandled: never = command;
      throw new Error(`decideBackups: unhandled command ${(unhandled as BackupCommand).type}`);
    }
  }
}

/** Sessions per BackupKeysStored event: one large upload is one command, in bounded events. */
export const SESSIONS_PER_EVENT = 1000;

export function decideCreateBackupVersion(backup: BackupState | undefined, command: CreateBackupVersionCommand): Decision {
  const version = String((backup ?? emptyBackup()).lastVersion + 1);
  const { userId, algorithm, authDataJson } = command.data;
  return {
    ok: true,
    events: [eventOf<EventOf<'BackupVersionCreated'>>(command, 0, 'BackupVersionCreated', { userId, version, algorithm, authDataJson })],
    result: { kind: 'backup-version', version },
  };
}

export function decideUpdateBackupVersion(backup: BackupState | undefined, command: UpdateBackupVersionCommand): Decision {
  const { userId, version, algorithm, authDataJson } = command.data;
  const existing = own(backup?.versions, version);
  if (!existing || existing.deleted) return reject('BACKUP_NOT_FOUND', `Unknown backup version ${version}`);
  if (existing.algorithm !== algorithm) return reject('BACKUP_MISMATCH', 'The algorithm of a backup version cannot change');
  return {
    ok: true,
    events: [eventOf<EventOf<'BackupVersionUpdated'>>(command, 0, 'BackupVersionUpdated', { userId, version, authDataJson })],
    result: APPLIED,
  };
}

/** Deleting a deleted version again is fine; one that never existed is not found. */
export function decideDeleteBackupVersion(backup: BackupState | undefined, command: DeleteBackupVersionCommand): Decision {
  const { userId, version } = command.data;
  const existing = own(backup?.versions, version);
  if (!existing) return reject('BACKUP_NOT_FOUND', `Unknown backup version ${version}`);
  if (existing.deleted) return { ok: true, events: [], result: APPLIED };
  return { ok: true, events: [eventOf<EventOf<'BackupVersionDeleted'>>(command, 0, 'BackupVersionDeleted', { userId, version })], result: APPLIED };
}

/** Key writes go to the current version only: an older existing one is refused with the current one named. */
function writable(backup: BackupState | undefined, version: string): { ok: true; state: BackupVersionState } | { ok: false; decision: Decision } {
  const existing = own(backup?.versions, version);
  if (!backup || !existing || existing.deleted) return { ok: false, decision: reject('BACKUP_NOT_FOUND', `Unknown backup version ${version}`) };
  const current = currentVersion(backup);
  if (current !== version) {
    return {
      ok: false,
      decision: {
        ok: false,
        rejection: { code: 'WRONG_BACKUP_VERSION', message: `Backup version ${version} is not the current one`, currentVersion: current ?? undefined },
      },
    };
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
    events.push(eventOf<EventOf<'BackupKeysStored'>>(command, events.length, 'BackupKeysStored', { userId, version, sessions: chunk, etag, count }));
  }
  return { ok: true, events, result: { kind: 'backup-keys', etag, count } };
}

export function decideDeleteBackupKeys(backup: BackupState | undefined, command: DeleteBackupKeysCommand): Decision {
  const { userId, version, roomId, sessionId } = command.data;
  const target = writable(backup, version);
  if (!target.ok) return target.decision;
  const remaining = Object.keys(target.state.sessions).filter((key) => !sessionKeyMatches(key, roomId, sessionId));
  const before = Object.keys(target.state.sessions).length;
  if (remaining.length === before) return { ok: true, events: [], result: { kind: 'backup-keys', etag: String(target.state.etag), count: before } };
  const etag = String(target.state.etag + 1);
  return {
    ok: true,
    events: [eventOf<EventOf<'BackupKeysDeleted'>>(command, 0, 'BackupKeysDeleted', { userId, version, roomId, sessionId, etag, count: remaining.length })],
    result: { kind: 'backup-keys', etag, count: remaining.length },
  };
}
