import { ApplyDeviceChangeCommand, DomainEvent, UploadKeysCommand } from '@app/contracts';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';

const USER = '@u:x';
let seq = 0;
const change = (kind: ApplyDeviceChangeCommand['data']['change'], displayName: string | null, id = `hs:${++seq}`): ApplyDeviceChangeCommand => ({
  id,
  type: 'ApplyDeviceChange',
  schemaVersion: 1,
  key: USER,
  time: 1,
  correlationId: id,
  causationId: null,
  data: { userId: USER, deviceId: 'D', change: kind, displayName },
});
const upload = (): UploadKeysCommand => ({
  id: `u${++seq}`,
  type: 'UploadKeys',
  schemaVersion: 1,
  key: USER,
  time: 1,
  correlationId: 'c',
  causationId: null,
  data: {
    userId: USER,
    deviceId: 'D',
    deviceKeysJson: '{"k":1}',
    oneTimeKeys: [{ keyName: 'curve25519:a', json: '"k"' }],
    fallbackKeys: [],
    verifySignatures: false,
  },
});

function run(state: UserKeysState, command: ApplyDeviceChangeCommand | UploadKeysCommand): { events: readonly DomainEvent[]; state: UserKeysState } {
  const decision = decideUserKeys(state, command);
  if (!decision.ok) throw new Error(decision.rejection.message);
  return { events: decision.events, state: decision.events.reduce(evolveUserKeys, state) };
}

describe('decide: device changes from the homeserver', () => {
  it('records a new display name once; the same name again is a no-op', () => {
    const first = run(initialUserKeysState(), change('renamed', 'Phone'));
    expect(first.events.map((e) => e.type)).toEqual(['DeviceDisplayNameChanged']);
    expect(run(first.state, change('renamed', 'Phone')).events).toEqual([]);
    expect(run(first.state, change('renamed', 'Tablet')).events.map((e) => e.type)).toEqual(['DeviceDisplayNameChanged']);
  });

  it('removes a deleted device with all its keys, and ignores deleting an unknown device', () => {
    const withKeys = run(initialUserKeysState(), upload()).state;
    const deleted = run(withKeys, change('deleted', null));
    expect(deleted.events.map((e) => e.type)).toEqual(['DeviceDeleted']);
    expect(deleted.state.devices.D).toBeUndefined();
    expect(run(deleted.state, change('deleted', null)).events).toEqual([]);
    // A device id that comes back is a new device: its first upload is accepted.
    expect(run(deleted.state, upload()).events.map((e) => e.type)).toEqual(['DeviceKeysUploaded', 'OneTimeKeysUploaded']);
  });

  it('makes an unknown device exist when it is created (name or not); a known one keeps its name', () => {
    const created = run(initialUserKeysState(), change('created', null));
    expect(created.events.map((e) => e.type)).toEqual(['DeviceDisplayNameChanged']);
    expect(created.state.devices.D).toMatchObject({ keysJson: null, displayName: null });
    expect(run(created.state, change('created', null)).events).toEqual([]);
    const named = run(created.state, change('renamed', 'Phone')).state;
    expect(run(named, change('created', null)).events).toEqual([]);
    expect(run(named, change('created', null)).state.devices.D.displayName).toBe('Phone');
    const uploaded = run(initialUserKeysState(), upload()).state;
    expect(run(uploaded, change('created', null)).events).toEqual([]);
  });

  it('treats a resent homeserver event (same id) as applied', () => {
    const command = change('renamed', 'Phone', 'hs:fixed');
    const once = run(initialUserKeysState(), command).state;
    const renamedSince = run(once, change('renamed', 'Other')).state;
    expect(run(renamedSince, command).events).toEqual([]);
  });
});
