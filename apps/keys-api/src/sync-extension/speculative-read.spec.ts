import { PositionVector } from '@app/contracts';
import { SpeculativeRead } from './speculative-read';
import { CheckpointVectors, syncOwners } from './sync-positions';
import { Round } from './sync-round';

const versions = { lists: 1, inbox: 1, keys: 1 };
const owners = syncOwners(versions);
const DEVICE = { userId: '@a:hs', deviceId: 'PHONE' };
/** The requester's events are in partition 0; the log has two partitions. */
const OWN = 0;

/** A promise the test settles when it chooses. */
function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

type Checkpoints = Record<'lists' | 'inbox' | 'keys', [number, number] | undefined>;
const asMap = (v: [number, number] | undefined) => v && new Map(v.map((o, p) => [p, String(o)]));

/**
 * In-memory checkpoints (stored, and the ones this process knows already), the log's last offsets
 * the test releases, a barrier whose waits move the stored checkpoints up to the targets, and a read that
 * records the positions it was read at.
 */
function harness(stored: Checkpoints, known: Checkpoints, last: [number, number], requester: { userId: string; deviceId: string | null } = DEVICE) {
  const log: string[] = [];
  const ownerKey = (owner: string) => (Object.keys(owners) as (keyof Checkpoints)[]).find((k) => owners[k] === owner)!;
  const end = deferred();
  const positions = new CheckpointVectors(
    {
      load: async (owner) => (log.push(`load ${ownerKey(owner)}`), asMap(stored[ownerKey(owner)]) ?? new Map()),
      known: (owner) => asMap(known[ownerKey(owner)]),
    },
    2,
  );
  const barrier = {
    lastOffsets: async () => {
      await end.promise;
      return new Map(last.map((o, p) => [p, BigInt(o)]));
    },
    targetsIn: (last: ReadonlyMap<number, bigint>) => new Map([...last].filter(([p]) => p === OWN)),
    waitForTargets: async (projection: string, _version: number, targets: ReadonlyMap<number, bigint>) => {
      log.push(`wait ${projection}`);
      const key = ({ 'device-lists': 'lists', 'to-device': 'inbox', 'one-time-keys': 'keys' } as const)[projection as 'device-lists']!;
      const at = stored[key] ?? [-1, -1];
      stored[key] = [Math.max(at[0], Number(targets.get(OWN))), at[1]];
      return true;
    },
  };
  const read = async (lists: PositionVector, inbox: PositionVector): Promise<Round> => {
    log.push(`read ${JSON.stringify([lists, inbox])}`);
    return { next: lists, inbox: { events: [] }, changes: null };
  };
  return { reads: new SpeculativeRead({ barrier, positions, read }, requester, versions, owners), log, releaseEnd: end.release };
}

describe('SpeculativeRead', () => {
  it("reads at once on known positions, before the log's end is known, and keeps that read when it passes the end", async () => {
    const h = harness({ lists: [9, 9], inbox: [9, 9], keys: [9, 9] }, { lists: [4, 2], inbox: [4, 2], keys: [4, 2] }, [4, 2]);
    const first = h.reads.first();
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.log).toEqual(['read [[4,2],[4,2]]']); // the log's end is still being looked up
    h.releaseEnd();
    const { round, targets, keysCaughtUp } = await first;
    expect(round.next).toEqual([4, 2]);
    expect(targets).toEqual(new Map([[OWN, 4n]]));
    expect(keysCaughtUp).toBe(true);
    expect(h.log).toEqual(['read [[4,2],[4,2]]']); // no checkpoint read, no wait
  });

  it('reads again at the stored checkpoints when the known ones are behind the end elsewhere, without waiting', async () => {
    const h = harness({ lists: [4, 7], inbox: [4, 7], keys: [4, 7] }, { lists: [4, 2], inbox: [4, 2], keys: [4, 2] }, [4, 7]);
    h.releaseEnd();
    const { round } = await h.reads.first();
    expect(round.next).toEqual([4, 7]);
    expect(h.log).toEqual(['read [[4,2],[4,2]]', 'load lists', 'load inbox', 'read [[4,7],[4,7]]']);
  });

  it("waits for all three read models where the requester's partition is not applied yet, then reads again", async () => {
    const h = harness({ lists: [2, 0], inbox: [4, 0], keys: [1, 0] }, { lists: undefined, inbox: undefined, keys: undefined }, [4, 0]);
    h.releaseEnd();
    const { round, targets, keysCaughtUp } = await h.reads.first();
    expect(targets).toEqual(new Map([[OWN, 4n]]));
    expect(h.log).toEqual([
      'load lists',
      'load inbox',
      'read [[2,0],[4,0]]',
      'wait device-lists',
      'wait to-device',
      'wait one-time-keys',
      'load lists',
      'load inbox',
      'read [[4,0],[4,0]]',
    ]);
    expect(round.next).toEqual([4, 0]);
    expect(keysCaughtUp).toBe(true);
  });

  it("waits when only the one-time keys are not known to have applied the requester's writes", async () => {
    const h = harness({ lists: [4, 0], inbox: [4, 0], keys: [4, 0] }, { lists: [4, 0], inbox: [4, 0], keys: [3, 0] }, [4, 0]);
    h.releaseEnd();
    await h.reads.first();
    expect(h.log.filter((l) => l.startsWith('wait'))).toEqual(['wait device-lists', 'wait to-device', 'wait one-time-keys']);
  });

  it('does not wait on one-time keys for a requester without a device', async () => {
    const h = harness({ lists: [4, 0], inbox: [4, 0], keys: undefined }, { lists: [4, 0], inbox: [4, 0], keys: undefined }, [4, 0], {
      userId: '@a:hs',
      deviceId: null,
    });
    h.releaseEnd();
    const { keysCaughtUp } = await h.reads.first();
    expect(h.log).toEqual(['read [[4,0],[4,0]]']);
    expect(keysCaughtUp).toBe(true);
  });

  it('reads again at the stored checkpoints for a long-poll', async () => {
    const h = harness({ lists: [6, 1], inbox: [6, 1], keys: undefined }, { lists: undefined, inbox: undefined, keys: undefined }, [0, 0]);
    await expect(h.reads.again()).resolves.toMatchObject({ next: [6, 1] });
  });
});
