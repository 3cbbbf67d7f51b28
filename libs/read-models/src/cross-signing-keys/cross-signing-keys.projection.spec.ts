import { StoredSignature } from '@app/contracts';
import { declarativeApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { CrossSigningKeysDoc, crossSigningKeysProjection } from './cross-signing-keys.projection';

const ALICE = '@alice:example.org';
const spec = projectionSpec(declarativeApplier(crossSigningKeysProjection));

const keysUploaded = (offset: number, master: string, selfSigning?: string) =>
  recorded(offset, 'CrossSigningKeysUploaded', {
    userId: ALICE,
    keys: [
      { kind: 'master', publicKey: `mk-${master}`, json: master },
      ...(selfSigning ? [{ kind: 'self_signing' as const, publicKey: `ssk-${selfSigning}`, json: selfSigning }] : []),
    ],
  });
const signature = (targetKey: string, value: string): StoredSignature => ({
  targetUserId: ALICE,
  keyId: 'ed25519:DEV',
  targetKey,
  signerKeyId: 'ed25519:ssk',
  signature: value,
});
const signed = (offset: number, ...signatures: StoredSignature[]) => recorded(offset, 'SignaturesUploaded', { userId: ALICE, signatures });

const doc = (offset: number, fields: Partial<CrossSigningKeysDoc>): CrossSigningKeysDoc => ({
  _id: ALICE,
  _meta: { partition: 0, offset },
  userId: ALICE,
  master: null,
  selfSigning: null,
  userSigning: null,
  signatures: [],
  ...fields,
});

describe('cross-signing-keys projection', () => {
  it('keeps the newest of each key and the newest signature per signer and target', async () => {
    await spec
      .given([
        keysUploaded(1, '{"m":1}', '{"s":1}'),
        signed(2, signature('dev-key', 'old')),
        keysUploaded(3, '{"m":2}'),
        signed(4, signature('dev-key', 'new')),
      ])
      .expect([doc(4, { master: '{"m":2}', selfSigning: '{"s":1}', signatures: [signature('dev-key', 'new')] })]);
  });

  it('changes nothing when a batch is delivered twice', async () => {
    const batch = [keysUploaded(1, '{"m":1}'), signed(2, signature('dev-key', 'a'))];
    await spec.given(batch, batch).expect([doc(2, { master: '{"m":1}', signatures: [signature('dev-key', 'a')] })]);
  });

  it('ignores an older event delivered after a newer one (a stale writer after a rebalance)', async () => {
    await spec
      .given([keysUploaded(5, '{"m":"new"}')], [keysUploaded(3, '{"m":"old"}', '{"s":"old"}'), signed(4, signature('dev-key', 'old'))])
      .expect([doc(5, { master: '{"m":"new"}' })]);
  });

  it('skips the events it does not declare', async () => {
    await spec.given([recorded(1, 'DeviceDeleted', { userId: ALICE, deviceId: 'DEV' })]).expect([]);
  });
});
