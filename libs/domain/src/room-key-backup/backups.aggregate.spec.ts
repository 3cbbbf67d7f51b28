import { BackupSessionUpload, CreateBackupVersionCommand, PutBackupKeysCommand } from '@app/contracts';
import { BackupCommand, decideBackups } from './backup.decide';
import { BackupEvent, evolveBackups } from './backup.evolve';
import { RoomKeyBackupState, currentVersion } from './backup.state';

/** The room-key backup aggregate, kept under `backup:<user id>`, on its own state. */
const userId = '@u:x';
let seq = 0;
const base = { schemaVersion: 1, key: `backup:${userId}`, time: 1, correlationId: 'c', causationId: null };
const create = (): CreateBackupVersionCommand => ({
  ...base,
  id: `b${++seq}`,
  type: 'CreateBackupVersion',
  data: { userId, algorithm: 'a', authDataJson: '{}' },
});
const session = (sessionId: string, firstMessageIndex: number): BackupSessionUpload => ({
  roomId: '!r:x',
  sessionId,
  firstMessageIndex,
  forwardedCount: 0,
  isVerified: false,
  sessionDataJson: '{}',
});
const put = (version: string, sessions: BackupSessionUpload[]): PutBackupKeysCommand => ({
  ...base,
  id: `b${++seq}`,
  type: 'PutBackupKeys',
  data: { userId, version, sessions },
});

function run(state: RoomKeyBackupState, c: BackupCommand, redelivered = false) {
  const decision = decideBackups(state, c, redelivered);
  return { decision, state: (decision.ok ? (decision.events as BackupEvent[]) : []).reduce(evolveBackups, state) };
}

describe('room-key backup aggregate', () => {
  it('creates versions in order, and a redelivered create answers the version it made', () => {
    const first = create();
    const one = run({}, first).state;
    const two = run(one, create()).state;
    expect(two.backup?.lastVersion).toBe(2);
    expect(currentVersion(two.backup!)).toBe('2');
    expect(run(one, first, true).decision).toEqual({ ok: true, events: [], result: { kind: 'backup-version', version: '1' } });
  });

  it('stores keys in the current version; a redelivered write answers the same and records nothing', () => {
    const one = run({}, create()).state;
    const write = put('1', [session('s1', 3)]);
    const stored = run(one, write);
    expect(stored.decision).toMatchObject({ ok: true, result: { kind: 'backup-keys', etag: '1', count: 1 } });
    expect(run(stored.state, write, true).decision).toEqual({ ok: true, events: [], result: { kind: 'backup-keys', etag: '1', count: 1 } });
  });

  it('refuses a write to a version that does not exist', () => {
    expect(run({}, put('1', [session('s1', 0)])).decision).toMatchObject({ ok: false, rejection: { code: 'BACKUP_NOT_FOUND' } });
  });
});
