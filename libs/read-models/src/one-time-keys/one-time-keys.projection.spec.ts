import { DomainEvent } from '@app/contracts';
import { OneTimeKeysDoc, oneTimeKeysProjection } from './one-time-keys.projection';

const envelope = { schemaVersion: 1, time: 1, correlationId: 'c', causationId: null, key: '@a:x' } as const;
const uploaded = (...keyNames: string[]): DomainEvent =>
  ({ ...envelope, id: `u${keyNames[0]}`, type: 'OneTimeKeysUploaded', data: { userId: '@a:x', deviceId: 'D', keys: keyNames.map((keyName) => ({ keyName, json: '{}' })) } }) as DomainEvent;
const claimed = (keyName: string): DomainEvent =>
  ({ ...envelope, id: `c${keyName}`, type: 'OneTimeKeyClaimed', data: { userId: '@a:x', deviceId: 'D', algorithm: keyName.split(':')[0], keyName, claimedBy: '@b:x|B' } }) as DomainEvent;

function run(events: DomainEvent[]): OneTimeKeysDoc | null {
  return events.reduce<OneTimeKeysDoc | null>((doc, event, offset) => oneTimeKeysProjection.evolve(doc, event, { partition: 0, offset }), null);
}

describe('one-time-keys projection', () => {
  it('counts keys per algorithm: uploads add, claims take away', () => {
    const doc = run([uploaded('signed_curve25519:a', 'signed_curve25519:b', 'curve25519:c'), claimed('signed_curve25519:a'), uploaded('signed_curve25519:d')]);
    expect(doc?.counts).toEqual([
      { algorithm: 'curve25519', count: 1 },
      { algorithm: 'signed_curve25519', count: 2 },
    ]);
  });

  it('keeps algorithm names as values, never as field names (they may contain dots)', () => {
    const doc = run([uploaded('org.example.alg:a')]);
    expect(doc?.counts).toEqual([{ algorithm: 'org.example.alg', count: 1 }]);
  });

  it('deletes the device document with the device', () => {
    const deleted = { ...envelope, id: 'del', type: 'DeviceDeleted', data: { userId: '@a:x', deviceId: 'D' } } as DomainEvent;
    expect(run([uploaded('signed_curve25519:a'), deleted])).toBeNull();
  });
});
