import { DomainEvent } from '@app/contracts';
import { decideDevices, DevicesCommand } from './devices.decide';
import { DevicesEvent, evolveDevices } from './devices.evolve';
import { DevicesState, initialDevicesState } from './devices.state';

/** The devices aggregate on its own state: no other aggregate's fields, cross-signing seen only through its view. */
const USER = '@u:x';
let seq = 0;
const command = <C extends DevicesCommand>(type: C['type'], data: C['data']): C =>
  ({ id: `d${++seq}`, type, schemaVersion: 1, key: USER, time: 1, correlationId: 'c', causationId: null, data }) as C;
const upload = (deviceId: string, keyNames: string[]) =>
  command('UploadKeys', {
    userId: USER,
    deviceId,
    deviceKeysJson: `{"device_id":"${deviceId}"}`,
    oneTimeKeys: keyNames.map((keyName) => ({ keyName, json: `"${keyName}"` })),
    fallbackKeys: [],
    verifySignatures: false,
  });
const claim = (deviceId: string) => command('ClaimKeys', { userId: USER, claims: [{ deviceId, algorithm: 'curve25519' }], claimedBy: '@b:x|B' });
const noCrossSigning = { isCrossSigningKey: () => false };

function run<S extends DevicesState>(state: S, c: DevicesCommand, redelivered = false, context = noCrossSigning) {
  const decision = decideDevices(state, c, redelivered, context);
  const events = (decision.ok ? decision.events : []) as DevicesEvent[];
  return { decision, state: events.reduce<S>(evolveDevices, state) };
}

describe('devices aggregate', () => {
  it('uploads, then claims from the front of the pool, remembering the claim for a redelivery', () => {
    const uploaded = run(initialDevicesState(), upload('D', ['curve25519:1', 'curve25519:2'])).state;
    const c = claim('D');
    const claimed = run(uploaded, c);
    expect(claimed.decision).toMatchObject({ ok: true, result: { claimed: [{ deviceId: 'D', keyName: 'curve25519:1' }] } });
    expect(claimed.state.devices.D.oneTimeKeys.map((k) => k.keyName)).toEqual(['curve25519:2']);
    expect(claimed.state.recentClaims).toEqual([{ commandId: c.id, deviceId: 'D', keyName: 'curve25519:1', json: '"curve25519:1"', fallback: false }]);
    expect(run(claimed.state, c, true).decision).toEqual({ ok: true, events: [], result: claimed.decision.ok && claimed.decision.result });
  });

  it('refuses a device id that the cross-signing view names as a key', () => {
    const decision = decideDevices(initialDevicesState(), upload('XSK', []), false, { isCrossSigningKey: (id) => id === 'XSK' });
    expect(decision).toMatchObject({ ok: false, rejection: { code: 'KEY_ID_IN_USE' } });
  });

  it('answers a redelivered upload with the counts as they are, recording nothing', () => {
    const state = run(initialDevicesState(), upload('D', ['curve25519:1'])).state;
    expect(decideDevices(state, upload('D', ['curve25519:9']), true, noCrossSigning)).toEqual({
      ok: true,
      events: [],
      result: { kind: 'upload', oneTimeKeyCounts: { signed_curve25519: 0, curve25519: 1 } },
    });
  });

  it('evolve touches only its own fields: whatever else the state holds is kept as it is', () => {
    const other = { ...initialDevicesState(), processedCommands: ['x'], rooms: { '!r:x': 'join' as const } };
    const event = {
      id: 'e',
      type: 'DeviceDeleted',
      schemaVersion: 1,
      key: USER,
      time: 1,
      correlationId: 'c',
      causationId: 'x',
      data: { userId: USER, deviceId: 'D' },
    } satisfies DomainEvent;
    const withDevice = run(other, upload('D', [])).state;
    expect(withDevice.rooms).toBe(other.rooms);
    expect(evolveDevices(withDevice, event)).toEqual({ ...other, devices: {} });
  });

  it("throws on another aggregate's command: a routing bug, never a silent no-op", () => {
    const ack = command('AckToDevice', { userId: USER, deviceId: 'D', upToSeq: 1 });
    expect(() => decideDevices(initialDevicesState(), { ...ack, type: 'ApplyMembership' } as unknown as DevicesCommand, false, noCrossSigning)).toThrow(
      'unhandled command ApplyMembership',
    );
  });
});
