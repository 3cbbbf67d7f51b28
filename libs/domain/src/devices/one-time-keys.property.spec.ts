import fc from 'fast-check';
import { Command, DomainEvent } from '@app/contracts';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';

const USER = '@p:x';
type Step = { kind: 'upload'; ids: number[] } | { kind: 'reupload'; pick: number } | { kind: 'claim' } | { kind: 'redeliver' } | { kind: 'replay' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('upload' as const), ids: fc.array(fc.nat({ max: 40 }), { maxLength: 6 }) }),
  fc.record({ kind: fc.constant('reupload' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('claim' as const) }),
  fc.record({ kind: fc.constant('redeliver' as const) }),
  fc.record({ kind: fc.constant('replay' as const) }),
);

/**
 * Over random interleavings of uploads, re-uploads (also of keys already handed out), claims,
 * redelivered commands and replays of the log: no one-time key is handed out twice, keys go out
 * in upload order, and the counts always match the keys uploaded minus the keys handed out.
 */
describe('one-time keys: properties of the decider', () => {
  it('never hands a key out twice, keeps upload order, and counts right', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let state: UserKeysState = initialUserKeysState();
        const log: DomainEvent[] = [];
        const uploadedOrder: string[] = [];
        const handedOut: string[] = [];
        let last: Command | null = null;
        let seq = 0;

        const apply = (command: Command) => {
          const decision = decideUserKeys(state, command);
          if (!decision.ok) return decision;
          for (const e of decision.events) {
            log.push(e);
            state = evolveUserKeys(state, e);
            if (e.type === 'OneTimeKeysUploaded') uploadedOrder.push(...e.data.keys.map((k) => k.keyName));
          }
          last = command;
          return decision;
        };
        const base = () => ({ id: `cmd${seq++}`, schemaVersion: 1, key: USER, time: 0, correlationId: 'c', causationId: null });
        const upload = (names: string[]): Command => ({
          ...base(),
          type: 'UploadKeys',
          data: {
            userId: USER,
            deviceId: 'D',
            deviceKeysJson: null,
            verifySignatures: false,
            fallbackKeys: [],
            oneTimeKeys: names.map((n) => ({ keyName: n, json: JSON.stringify(`v-${n}`) })),
          },
        });

        for (const s of steps) {
          if (s.kind === 'upload') {
            const names = [...new Set(s.ids.map((i) => `curve25519:k${i}`))];
            const decision = apply(upload(names));
            if (!decision.ok) return false;
            const expected = uploadedOrder.length - handedOut.length;
            if (decision.result.kind !== 'upload' || (decision.result.oneTimeKeyCounts.curve25519 ?? 0) !== expected) return false;
          } else if (s.kind === 'reupload' && uploadedOrder.length > 0) {
            const decision = apply(upload([uploadedOrder[s.pick % uploadedOrder.length]]));
            if (!decision.ok || decision.events.length !== 0) return false;
          } else if (s.kind === 'claim') {
            const decision = apply({
              ...base(),
              type: 'ClaimKeys',
              data: { userId: USER, claimedBy: 'b', claims: [{ deviceId: 'D', algorithm: 'curve25519' }] },
            });
            if (!decision.ok || decision.result.kind !== 'claim') return false;
            handedOut.push(...decision.result.claimed.map((c) => c.keyName));
          } else if (s.kind === 'redeliver' && last) {
            const decision = decideUserKeys(state, last);
            if (!decision.ok || decision.events.length !== 0) return false;
          } else if (s.kind === 'replay') {
            const replayed = log.reduce(evolveUserKeys, initialUserKeysState());
            if (JSON.stringify(replayed) !== JSON.stringify(state)) return false;
          }
        }
        const unique = new Set(handedOut).size === handedOut.length;
        const inOrder = handedOut.every((name, i) => uploadedOrder[i] === name);
        const pool = state.devices.D?.oneTimeKeys.map((k) => k.keyName) ?? [];
        const poolIsRest = JSON.stringify(pool) === JSON.stringify(uploadedOrder.slice(handedOut.length));
        return unique && inOrder && poolIsRest;
      }),
      { numRuns: 300 },
    );
  });
});
