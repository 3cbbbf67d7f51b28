import fc from 'fast-check';
import { StoredSignature } from '@app/contracts';
import { CrossSigningKeysDoc } from './cross-signing-keys.projection';
import { VisibleSignatures } from './visible-signatures';

const USERS = ['@a:x', '@b:x', '@c:x', '@d:x'];
const keyJson = (userId: string, key: string) => JSON.stringify({ user_id: userId, keys: { [`ed25519:${key}`]: key } });
const meta = { partition: 0, offset: '0' } as never;

/** A user's keys: current and previous versions, so signatures on replaced keys occur too. */
const keysOf = (userId: string, generation: number) => ({
  master: `M${userId}${generation}`,
  selfSigning: `S${userId}${generation}`,
  userSigning: `U${userId}${generation}`,
});

const arbitrarySignature = fc.record({
  signer: fc.constantFrom(...USERS),
  target: fc.constantFrom(...USERS),
  signerGeneration: fc.integer({ min: 0, max: 1 }),
  targetGeneration: fc.integer({ min: 0, max: 1 }),
  by: fc.constantFrom('device', 'self_signing', 'user_signing'),
});

describe('visible signatures (property)', () => {
  it("no reader ever sees another user's user-signing-key signature, nor one on a replaced key or by a replaced key", () => {
    fc.assert(
      fc.property(fc.array(arbitrarySignature, { maxLength: 30 }), fc.constantFrom(...USERS), fc.subarray(USERS), (made, reader, queried) => {
        const docs: CrossSigningKeysDoc[] = USERS.map((userId) => {
          const current = keysOf(userId, 1);
          // What the owner's decider can record: a device on its own master key, the self-signing
          // key on its own device, the user-signing key on someone else's master key.
          const signatures: StoredSignature[] = made
            .map((m) => (m.by === 'user_signing' ? m : { ...m, target: m.signer }))
            .filter((m) => m.signer === userId && (m.by !== 'user_signing' || m.target !== m.signer))
            .map((m, i) => {
              const signerKeys = keysOf(userId, m.signerGeneration);
              const targetKeys = keysOf(m.target, m.targetGeneration);
              const signerKeyId = m.by === 'device' ? 'ed25519:DEV' : `ed25519:${m.by === 'self_signing' ? signerKeys.selfSigning : signerKeys.userSigning}`;
              const onDevice = m.by === 'self_signing';
              return {
                targetUserId: m.target,
                keyId: onDevice ? 'DEV' : targetKeys.master,
                targetKey: onDevice ? `D${m.target}${m.targetGeneration}` : targetKeys.master,
                signerKeyId,
                signature: `sig${i}`,
              };
            });
          return {
            _id: userId,
            _meta: meta,
            userId,
            master: keyJson(userId, current.master),
            selfSigning: keyJson(userId, current.selfSigning),
            userSigning: keyJson(userId, current.userSigning),
            signatures,
          };
        });
        const visible = new VisibleSignatures(reader, docs);
        for (const userId of queried) {
          const onMaster = visible.onMaster(userId);
          for (const [signer, sigs] of Object.entries(onMaster)) {
            // Only the owner's signatures, or the reader's own user-signing signature.
            expect([userId, reader]).toContain(signer);
            for (const keyId of Object.keys(sigs)) {
              if (signer !== userId) expect(keyId).toBe(`ed25519:${keysOf(reader, 1).userSigning}`);
              for (const other of USERS) if (other !== reader) expect(keyId).not.toBe(`ed25519:${keysOf(other, 1).userSigning}`);
            }
          }
          const onDevice = visible.onDevice(userId, 'DEV', `D${userId}1`);
          expect(Object.keys(onDevice).every((s) => s === userId)).toBe(true);
          for (const keyId of Object.keys(onDevice[userId] ?? {})) expect(keyId).toBe(`ed25519:${keysOf(userId, 1).selfSigning}`);
          // A user-signing signature made by the reader on the current master is always shown to the reader.
          const readerSigned = made.some(
            (m) => m.signer === reader && m.target === userId && m.by === 'user_signing' && m.signerGeneration === 1 && m.targetGeneration === 1,
          );
          if (userId !== reader) expect(onMaster[reader] !== undefined).toBe(readerSigned);
        }
      }),
      { numRuns: 500 },
    );
  });
});
