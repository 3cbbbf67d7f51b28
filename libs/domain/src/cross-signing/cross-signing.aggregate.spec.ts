import { CrossSigningKeyUpload, UploadCrossSigningKeysCommand } from '@app/contracts';
import { canonicalJson } from '@app/matrix';
import { crossSigningKey } from '@app/testing';
import { CrossSigningCommand, decideCrossSigning } from './cross-signing.decide';
import { CrossSigningEvent, evolveCrossSigning } from './cross-signing.evolve';
import { CrossSigningState, KnownDevices, isCrossSigningKey } from './cross-signing.state';

/** The cross-signing aggregate on its own state; the user's devices are seen only through `KnownDevices`. */
const USER = '@u:x';
let seq = 0;
const command = <C extends CrossSigningCommand>(type: C['type'], data: C['data'], time = 1000): C =>
  ({ id: `x${++seq}`, type, schemaVersion: 1, key: USER, time, correlationId: 'c', causationId: null, data }) as C;
const noDevices: KnownDevices = { keysJsonOf: () => undefined };
const upload = (keys: CrossSigningKeyUpload[], authenticated = false, time = 1000) =>
  command<UploadCrossSigningKeysCommand>('UploadCrossSigningKeys', { userId: USER, keys, authenticated }, time);
const asUpload = (pair: ReturnType<typeof crossSigningKey>): CrossSigningKeyUpload => ({
  kind: 'master',
  publicKey: pair.publicKey,
  json: canonicalJson(pair.object),
});

function run(state: CrossSigningState, c: CrossSigningCommand, devices = noDevices) {
  const decision = decideCrossSigning(state, c, false, devices);
  return { decision, state: (decision.ok ? (decision.events as CrossSigningEvent[]) : []).reduce(evolveCrossSigning, state) };
}

describe('cross-signing aggregate', () => {
  const master = asUpload(crossSigningKey(USER, 'master'));
  const other = asUpload(crossSigningKey(USER, 'master'));

  it('the first master key needs no authentication; it becomes a key no device may take', () => {
    const { state } = run({}, upload([master]));
    expect(state.crossSigning?.keys.master).toEqual(master);
    expect(isCrossSigningKey(state, master.publicKey)).toBe(true);
    expect(isCrossSigningKey(state, 'DEVICE')).toBe(false);
  });

  it('refuses a key whose id the devices view knows as a device', () => {
    const devices: KnownDevices = { keysJsonOf: (id) => (id === master.publicKey ? null : undefined) };
    expect(run({}, upload([master]), devices).decision).toMatchObject({ ok: false, rejection: { code: 'KEY_ID_IN_USE' } });
  });

  it('replacing the master key needs the operator window, which the replacement closes', () => {
    const withMaster = run({}, upload([master])).state;
    expect(run(withMaster, upload([other])).decision).toMatchObject({ ok: false, rejection: { code: 'AUTH_REQUIRED' } });
    const allowed = run(withMaster, command('AllowCrossSigningReplacement', { userId: USER, until: 5000 })).state;
    const replaced = run(allowed, upload([other], false, 4000));
    expect(replaced.decision).toMatchObject({ ok: true });
    expect(replaced.state.crossSigning?.replaceAllowedUntil).toBeUndefined();
  });

  it('a redelivered upload records nothing', () => {
    expect(decideCrossSigning({}, upload([master]), true, noDevices)).toEqual({ ok: true, events: [], result: { kind: 'applied' } });
  });
});
