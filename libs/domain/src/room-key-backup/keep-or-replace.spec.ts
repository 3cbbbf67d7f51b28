import fc from 'fast-check';
import { BackedUpKeyRank, replacesStoredKey } from './keep-or-replace';

const rank: fc.Arbitrary<BackedUpKeyRank> = fc.record({
  isVerified: fc.boolean(),
  firstMessageIndex: fc.nat(20),
  forwardedCount: fc.nat(5),
});

/** The spec's order as a sort key: smaller is better. */
const orderKey = (r: BackedUpKeyRank): [number, number, number] => [r.isVerified ? 0 : 1, r.firstMessageIndex, r.forwardedCount];
const better = (a: BackedUpKeyRank, b: BackedUpKeyRank): boolean => {
  const [x, y] = [orderKey(a), orderKey(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] < y[i];
  return false;
};

describe('backup keep-or-replace rule', () => {
  it('replaces exactly when the incoming copy comes first in the spec order (verified, then first index, then forwards)', () => {
    fc.assert(
      fc.property(rank, rank, (stored, incoming) => replacesStoredKey(stored, incoming) === better(incoming, stored)),
      { numRuns: 2000 },
    );
  });

  it('never replaces on a full tie, and never both ways', () => {
    fc.assert(
      fc.property(rank, rank, (a, b) => {
        if (JSON.stringify(orderKey(a)) === JSON.stringify(orderKey(b))) return !replacesStoredKey(a, b) && !replacesStoredKey(b, a);
        return replacesStoredKey(a, b) !== replacesStoredKey(b, a);
      }),
      { numRuns: 2000 },
    );
  });

  it('after any sequence of uploads the kept copy is the first-uploaded best one', () => {
    fc.assert(
      fc.property(fc.array(rank, { minLength: 1, maxLength: 12 }), (uploads) => {
        const kept = uploads.reduce((stored, incoming) => (replacesStoredKey(stored, incoming) ? incoming : stored));
        const best = uploads.find((u) => !uploads.some((v) => better(v, u)))!;
        return kept === best;
      }),
    );
  });

  it('examples from the spec order', () => {
    const r = (isVerified: boolean, firstMessageIndex: number, forwardedCount: number) => ({ isVerified, firstMessageIndex, forwardedCount });
    expect(replacesStoredKey(r(false, 0, 0), r(true, 9, 9))).toBe(true); // verification first
    expect(replacesStoredKey(r(true, 9, 0), r(false, 0, 0))).toBe(false);
    expect(replacesStoredKey(r(true, 5, 0), r(true, 2, 3))).toBe(true); // then the lower first index
    expect(replacesStoredKey(r(true, 2, 3), r(true, 2, 1))).toBe(true); // then fewer forwards
    expect(replacesStoredKey(r(true, 2, 1), r(true, 2, 1))).toBe(false); // a tie keeps the stored copy
  });
});
