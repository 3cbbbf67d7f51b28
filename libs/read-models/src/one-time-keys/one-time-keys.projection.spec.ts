import { declarativeApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { deviceDocId } from '../device-keys/device-keys.projection';
import { OneTimeKeysDoc, oneTimeKeysProjection } from './one-time-keys.projection';

const USER = '@a:x';
const uploaded = (offset: number, ...keyNames: string[]) =>
  recorded(offset, 'OneTimeKeysUploaded', { userId: USER, deviceId: 'D', keys: keyNames.map((keyName) => ({ keyName, json: '{}' })) });
const claimed = (offset: number, keyName: string) =>
  recorded(offset, 'OneTimeKeyClaimed', { userId: USER, deviceId: 'D', algorithm: keyName.split(':')[0], keyName, claimedBy: '@b:x|B' });
const fallbackUploaded = (offset: number, keyName: string) =>
  recorded(offset, 'FallbackKeyUploaded', { userId: USER, deviceId: 'D', algorithm: keyName.split(':')[0], key: { keyName, json: '{}' } });
const fallbackUsed = (offset: number, keyName: string) =>
  recorded(offset, 'FallbackKeyUsed', { userId: USER, deviceId: 'D', algorithm: keyName.split(':')[0], keyName });

const spec = projectionSpec(declarativeApplier(oneTimeKeysProjection));
const deviceDoc = (offset: number, counts: OneTimeKeysDoc['counts'], fallbackKeys: OneTimeKeysDoc['fallbackKeys'] = []): OneTimeKeysDoc => ({
  _id: deviceDocId(USER, 'D'),
  _meta: { partition: 0, offset },
  userId: USER,
  deviceId: 'D',
  counts,
  fallbackKeys,
});

describe('one-time-keys projection', () => {
  it('counts keys per algorithm: uploads add, claims take away', async () => {
    await spec
      .given([uploaded(0, 'signed_curve25519:a', 'signed_curve25519:b', 'curve25519:c'), claimed(1, 'signed_curve25519:a'), uploaded(2, 'signed_curve25519:d')])
      .expect([
        deviceDoc(2, [
          { algorithm: 'curve25519', count: 1 },
          { algorithm: 'signed_curve25519', count: 2 },
        ]),
      ]);
  });

  it('keeps algorithm names as values, never as field names (they may contain dots)', async () => {
    await spec.given([uploaded(0, 'org.example.alg:a')]).expect([deviceDoc(0, [{ algorithm: 'org.example.alg', count: 1 }])]);
  });

  it('marks a used fallback key, and a new fallback key replaces it', async () => {
    await spec
      .given([fallbackUploaded(0, 'signed_curve25519:f1'), fallbackUsed(1, 'signed_curve25519:f1')])
      .expect([deviceDoc(1, [], [{ algorithm: 'signed_curve25519', keyName: 'signed_curve25519:f1', used: true }])]);
    await spec
      .given([fallbackUploaded(0, 'signed_curve25519:f1'), fallbackUsed(1, 'signed_curve25519:f1'), fallbackUploaded(2, 'signed_curve25519:f2')])
      .expect([deviceDoc(2, [], [{ algorithm: 'signed_curve25519', keyName: 'signed_curve25519:f2', used: false }])]);
  });

  it('deletes the device document with the device (a tombstone at its position)', async () => {
    await spec
      .given([uploaded(0, 'signed_curve25519:a'), recorded(1, 'DeviceDeleted', { userId: USER, deviceId: 'D' })])
      .expect([{ _id: deviceDocId(USER, 'D'), _meta: { partition: 0, offset: 1 }, deleted: true } as unknown as OneTimeKeysDoc]);
  });

  it('counts a key once when its batch is delivered twice', async () => {
    const batch = [uploaded(0, 'signed_curve25519:a', 'signed_curve25519:b'), claimed(1, 'signed_curve25519:a')];
    await spec.given(batch, batch).expect([deviceDoc(1, [{ algorithm: 'signed_curve25519', count: 1 }])]);
  });

  it('ignores an older claim delivered after a newer upload', async () => {
    await spec
      .given([uploaded(0, 'signed_curve25519:a'), uploaded(3, 'signed_curve25519:b')], [claimed(2, 'signed_curve25519:a')])
      .expect([deviceDoc(3, [{ algorithm: 'signed_curve25519', count: 2 }])]);
  });
});
