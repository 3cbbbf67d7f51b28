import { Command, DomainEvent } from '@app/contracts';
import { decideUserKeys } from './user-keys.decide';
import { evolveUserKeys } from './user-keys.evolve';
import { UserKeysState, initialUserKeysState } from './user-keys.state';

/**
 * Ids are client or homeserver strings: a device, room or backup version named like an
 * Object.prototype member must be just another id. A decide or evolve that throws on one would
 * be retried forever and stop the partition.
 */
const USER = '@alice:example.org';
const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

let seq = 0;
function command<C extends Command>(type: C['type'], data: C['data']): C {
  const id = `cmd-${++seq}`;
  return { id, type, schemaVersion: 1, key: USER, time: 1, correlationId: id, causationId: null, data } as C;
}

/** Decides, folds, and round-trips the state through JSON as a snapshot would. */
function run(state: UserKeysState, cmd: Command) {
  const decision = decideUserKeys(state, cmd);
  const events: readonly DomainEvent[] = decision.ok ? decision.events : [];
  return { decision, events, state: JSON.parse(JSON.stringify(events.reduce(evolveUserKeys, state))) as UserKeysState };
}

const claim = (deviceId: string) => command('ClaimKeys', { userId: USER, claims: [{ deviceId, algorithm: 'curve25519' }], claimedBy: '@bob:x|B' });
const upload = (deviceId: string, keyNames: string[]) =>
  command('UploadKeys', {
    userId: USER,
    deviceId,
    deviceKeysJson: JSON.stringify({ device_id: deviceId }),
    oneTimeKeys: keyNames.map((keyName) => ({ keyName, json: JSON.stringify(`key-${keyName}`) })),
    fallbackKeys: [],
    verifySignatures: false,
  });

describe.each(NAMES)('a device, room or version named %s', (name) => {
  it('is unknown until it exists: claims, to-device, acks, deletions and backups find nothing', () => {
    const state = initialUserKeysState();
    expect(run(state, claim(name)).decision).toMatchObject({ ok: true, events: [{ type: 'ClaimDecided' }], result: { kind: 'claim', claimed: [] } });
    expect(
      run(state, command('DeliverToDevice', { userId: USER, sender: '@bob:x', type: 'm.x', messages: [{ deviceId: name, contentJson: '{}' }] })).events,
    ).toEqual([]);
    expect(run(state, command('AckToDevice', { userId: USER, deviceId: name, upToSeq: 5 })).events).toEqual([]);
    expect(run(state, command('ApplyDeviceChange', { userId: USER, deviceId: name, change: 'deleted', displayName: null })).events).toEqual([]);
    expect(run(state, command('ApplyMembership', { userId: USER, roomId: name, membership: 'leave' })).events).toEqual([]);
    expect(run(state, command('DeleteBackupVersion', { userId: USER, version: name })).decision).toMatchObject({
      ok: false,
      rejection: { code: 'BACKUP_NOT_FOUND' },
    });
    expect(run(state, command('UpdateBackupVersion', { userId: USER, version: name, algorithm: 'a', authDataJson: '{}' })).decision).toMatchObject({
      ok: false,
      rejection: { code: 'BACKUP_NOT_FOUND' },
    });
  });

  it('is an ordinary device once uploaded: counted, claimed once, messaged, deleted', () => {
    let step = run(initialUserKeysState(), upload(name, ['curve25519:A', `${name}:B`]));
    expect(step.decision).toMatchObject({ ok: true, result: { oneTimeKeyCounts: { signed_curve25519: 0, curve25519: 1, [name]: 1 } } });
    expect(Object.keys(step.state.devices)).toEqual([name]);

    step = run(step.state, claim(name));
    expect(step.decision).toMatchObject({ ok: true, result: { claimed: [{ deviceId: name, keyName: 'curve25519:A' }] } });
    expect(run(step.state, claim(name)).decision).toMatchObject({ ok: true, result: { claimed: [] } });

    step = run(step.state, command('DeliverToDevice', { userId: USER, sender: '@bob:x', type: 'm.x', messages: [{ deviceId: '*', contentJson: '{}' }] }));
    expect(step.events).toMatchObject([{ type: 'ToDeviceQueued', data: { deviceId: name, seq: 1 } }]);

    step = run(step.state, command('ApplyDeviceChange', { userId: USER, deviceId: name, change: 'deleted', displayName: null }));
    expect(step.events).toMatchObject([{ type: 'DeviceDeleted' }]);
    expect(Object.keys(step.state.devices)).toEqual([]);
  });

  it('is an ordinary room: joined, then left', () => {
    const joined = run(initialUserKeysState(), command('ApplyMembership', { userId: USER, roomId: name, membership: 'join' }));
    expect(joined.events).toHaveLength(1);
    expect(run(joined.state, command('ApplyMembership', { userId: USER, roomId: name, membership: 'join' })).events).toEqual([]);
    expect(run(joined.state, command('ApplyMembership', { userId: USER, roomId: name, membership: 'leave' })).events).toHaveLength(1);
  });
});
