import { BackupSessionUpload, Command } from '@app/contracts';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';
import { Decision } from '../shared/decision';
import { currentVersion } from './backup.state';

let seq = 0;
const base = { schemaVersion: 1, key: 'backup:@u:x', time: 1, correlationId: 'c', causationId: null };
const userId = '@u:x';
const create = (): Command => ({
  ...base,
  id: `c${++seq}`,
  type: 'CreateBackupVersion',
  data: { userId, algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', authDataJson: '{}' },
});
const del = (version: string): Command => ({ ...base, id: `d${++seq}`, type: 'DeleteBackupVersion', data: { userId, version } });
const put = (version: string, sessions: BackupSessionUpload[]): Command => ({
  ...base,
  id: `p${++seq}`,
  type: 'PutBackupKeys',
  data: { userId, version, sessions },
});
const delKeys = (version: string, roomId: string | null, sessionId: string | null): Command => ({
  ...base,
  id: `k${++seq}`,
  type: 'DeleteBackupKeys',
  data: { userId, version, roomId, sessionId },
});
const session = (roomId: string, sessionId: string, firstMessageIndex: number, isVerified = false, forwardedCount = 0): BackupSessionUpload => ({
  roomId,
  sessionId,
  firstMessageIndex,
  forwardedCount,
  isVerified,
  sessionDataJson: JSON.stringify({ fmi: firstMessageIndex, v: isVerified }),
});

function run(state: UserKeysState, command: Command): { decision: Decision; state: UserKeysState } {
  const decision = decideUserKeys(state, command);
  return { decision, state: decision.ok ? decision.events.reduce(evolveUserKeys, state) : state };
}

describe('decide: room-key backups', () => {
  it('versions: ids count up and are never reused; deleting the current makes the previous current; deleting twice is fine', () => {
    let state = initialUserKeysState();
    for (const expected of ['1', '2']) {
      const r = run(state, create());
      expect(r.decision.ok && r.decision.result).toEqual({ kind: 'backup-version', version: expected });
      state = r.state;
    }
    state = run(state, del('2')).state;
    expect(currentVersion(state.backup!)).toBe('1');
    expect(run(state, del('2')).decision).toMatchObject({ ok: true, events: [] });
    expect(run(state, del('9')).decision).toMatchObject({ ok: false, rejection: { code: 'BACKUP_NOT_FOUND' } });
    expect(run(state, create()).decision).toMatchObject({ ok: true, result: { version: '3' } });
  });

  it('keys go to the current version only: an older one is refused naming the current, an unknown one is not found', () => {
    let state = run(run(initialUserKeysState(), create()).state, create()).state;
    expect(run(state, put('1', [session('!r', 's', 0)])).decision).toMatchObject({
      ok: false,
      rejection: { code: 'WRONG_BACKUP_VERSION', currentVersion: '2' },
    });
    expect(run(state, put('7', [session('!r', 's', 0)])).decision).toMatchObject({ ok: false, rejection: { code: 'BACKUP_NOT_FOUND' } });
    state = run(state, put('2', [session('!r', 's', 0)])).state;
    expect(Object.keys(state.backup!.versions['2'].sessions)).toEqual([JSON.stringify(['!r', 's'])]);
  });

  it('keeps or replaces by the rule; the etag moves only when stored keys change; count follows', () => {
    let state = run(initialUserKeysState(), create()).state;
    let r = run(state, put('1', [session('!r', 'a', 5), session('!r', 'b', 0)]));
    expect(r.decision).toMatchObject({ ok: true, result: { kind: 'backup-keys', etag: '1', count: 2 } });
    state = r.state;
    r = run(state, put('1', [session('!r', 'a', 9)])); // worse: kept
    expect(r.decision).toMatchObject({ ok: true, events: [], result: { etag: '1', count: 2 } });
    r = run(state, put('1', [session('!r', 'a', 2)])); // better: replaced
    expect(r.decision.ok && r.decision.events.map((e) => e.type)).toEqual(['BackupKeysStored']);
    expect(r.decision).toMatchObject({ result: { etag: '2', count: 2 } });
    state = r.state;
    r = run(state, delKeys('1', '!r', 'a'));
    expect(r.decision).toMatchObject({ ok: true, result: { etag: '3', count: 1 } });
    expect(run(r.state, delKeys('1', '!nothing', null)).decision).toMatchObject({ ok: true, events: [], result: { etag: '3', count: 1 } });
  });

  it('one upload of 2,500 sessions is one command in bounded events, and a redelivery changes nothing', () => {
    const state = run(initialUserKeysState(), create()).state;
    const command = put(
      '1',
      Array.from({ length: 2500 }, (_, i) => session(`!r${i % 7}`, `s${i}`, 0)),
    );
    const first = run(state, command);
    expect(first.decision.ok && first.decision.events.map((e) => (e.data as unknown as { sessions: unknown[] }).sessions.length)).toEqual([1000, 1000, 500]);
    const again = decideUserKeys(first.state, command);
    expect(again).toMatchObject({ ok: true, events: [], result: { etag: '1', count: 2500 } });
  });
});
