import { Command, CrossSigningKeyUpload } from '@app/contracts';
import { canonicalJson } from '@app/matrix';
import { CrossSigningKeyPair, crossSigningKey } from '@app/testing';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';
import { emptyDevice } from '../devices/devices.state';
import { Decision } from '../shared/decision';

const userId = '@u:x';
let seq = 0;
const base = { schemaVersion: 1, key: userId, correlationId: 'c', causationId: null };
const upload = (keys: Record<string, CrossSigningKeyPair>, authenticated = false, time = 1000): Command => ({
  ...base,
  id: `x${++seq}`,
  time,
  type: 'UploadCrossSigningKeys',
  data: {
    userId,
    authenticated,
    keys: Object.entries(keys).map(([kind, pair]): CrossSigningKeyUpload => ({
      kind: kind as CrossSigningKeyUpload['kind'],
      publicKey: pair.publicKey,
      json: canonicalJson(pair.object),
    })),
  },
});
function run(state: UserKeysState, command: Command): { decision: Decision; state: UserKeysState } {
  const decision = decideUserKeys(state, command);
  return { decision, state: decision.ok ? decision.events.reduce(evolveUserKeys, state) : state };
}

describe('decide: cross-signing keys', () => {
  const master = crossSigningKey(userId, 'master');
  const selfSigning = crossSigningKey(userId, 'self_signing', master);
  const userSigning = crossSigningKey(userId, 'user_signing', master);

  it('the first upload needs no authentication; an identical re-upload records nothing and needs none', () => {
    const first = run(initialUserKeysState(), upload({ master, self_signing: selfSigning, user_signing: userSigning }));
    expect(first.decision.ok && first.decision.events.map((e) => e.type)).toEqual(['CrossSigningKeysUploaded']);
    expect(run(first.state, upload({ master, self_signing: selfSigning })).decision).toMatchObject({ ok: true, events: [] });
  });

  it('anything else once a master key exists needs authentication or the operator approval window', () => {
    const state = run(initialUserKeysState(), upload({ master })).state;
    const replacement = crossSigningKey(userId, 'master');
    expect(run(state, upload({ master: replacement })).decision).toMatchObject({ ok: false, rejection: { code: 'AUTH_REQUIRED' } });
    expect(run(state, upload({ self_signing: selfSigning })).decision).toMatchObject({ ok: false, rejection: { code: 'AUTH_REQUIRED' } });
    expect(run(state, upload({ master: replacement }, true)).decision).toMatchObject({ ok: true });
    const approved = run(state, { ...base, id: 'allow', time: 1000, type: 'AllowCrossSigningReplacement', data: { userId, until: 5000 } }).state;
    expect(run(approved, upload({ master: replacement }, false, 4000)).decision).toMatchObject({ ok: true });
    expect(run(approved, upload({ master: replacement }, false, 6000)).decision).toMatchObject({ ok: false, rejection: { code: 'AUTH_REQUIRED' } });
    // The approval was for the master key it was given for: once replaced, the window is closed.
    const replaced = run(approved, upload({ master: replacement }, false, 4000)).state;
    expect(run(replaced, upload({ master: crossSigningKey(userId, 'master') }, false, 4500)).decision).toMatchObject({
      ok: false,
      rejection: { code: 'AUTH_REQUIRED' },
    });
  });

  it('the operator cannot approve a replacement for a user without a master key', () => {
    const allow: Command = { ...base, id: 'allow-none', time: 1000, type: 'AllowCrossSigningReplacement', data: { userId, until: 5000 } };
    expect(run(initialUserKeysState(), allow).decision).toMatchObject({ ok: false, rejection: { code: 'MISSING_MASTER_KEY' } });
  });

  it('self-signing and user-signing keys must be signed by the master key; without any master key: missing', () => {
    expect(run(initialUserKeysState(), upload({ self_signing: selfSigning })).decision).toMatchObject({ ok: false, rejection: { code: 'MISSING_MASTER_KEY' } });
    const otherMaster = crossSigningKey(userId, 'master');
    expect(run(initialUserKeysState(), upload({ master: otherMaster, self_signing: selfSigning })).decision).toMatchObject({
      ok: false,
      rejection: { code: 'INVALID_SIGNATURE' },
    });
  });

  it('a cross-signing public key may not equal a device id, nor the other way round', () => {
    const withDevice: UserKeysState = { ...initialUserKeysState(), devices: { [master.publicKey]: emptyDevice() } };
    expect(run(withDevice, upload({ master })).decision).toMatchObject({ ok: false, rejection: { code: 'KEY_ID_IN_USE' } });
    const withMaster = run(initialUserKeysState(), upload({ master })).state;
    const device: Command = {
      ...base,
      id: 'dev',
      time: 1,
      type: 'UploadKeys',
      data: { userId, deviceId: master.publicKey, deviceKeysJson: null, oneTimeKeys: [], fallbackKeys: [], verifySignatures: false },
    };
    expect(run(withMaster, device).decision).toMatchObject({ ok: false, rejection: { code: 'KEY_ID_IN_USE' } });
    // The same device known from its login only (no keys yet) clashes on its first upload too.
    const loggedIn: UserKeysState = { ...withMaster, devices: { [master.publicKey]: emptyDevice() } };
    expect(run(loggedIn, device).decision).toMatchObject({ ok: false, rejection: { code: 'KEY_ID_IN_USE' } });
  });
});
