import { CheckpointVectors, covers, lowerOf, syncOwners, vectorOf } from './sync-positions';

const stored = (entries: [number, number][]) => new Map(entries.map(([p, o]) => [p, String(o)]));

describe('sync positions', () => {
  it('turns checkpoints into a vector over at least every partition, -1 where none', () => {
    expect(vectorOf(stored([[1, 7]]), 3)).toEqual([-1, 7, -1]);
    expect(vectorOf(stored([[4, 2]]), 2)).toEqual([-1, -1, -1, -1, 2]); // a partition beyond the configured count still counts
  });

  it('tells whether a vector or checkpoints pass every target', () => {
    const targets = new Map([
      [0, 5n],
      [2, 1n],
    ]);
    expect(covers([5, -1, 1], targets)).toBe(true);
    expect(covers([5, -1, 0], targets)).toBe(false);
    expect(covers([5], targets)).toBe(false); // a partition the vector has not seen is -1
    expect(
      covers(
        stored([
          [0, 6],
          [2, 1],
        ]),
        targets,
      ),
    ).toBe(true);
    expect(covers(stored([[0, 6]]), targets)).toBe(false);
    expect(covers([], new Map())).toBe(true);
  });

  it('takes the entry-wise lower of two vectors over the longer one', () => {
    expect(lowerOf([3, 9], [4, 2, 7])).toEqual([3, 2, -1]);
  });

  it("reads the owners' checkpoints as stored or as known, without a store read for the latter", async () => {
    const loads: string[] = [];
    const vectors = new CheckpointVectors(
      {
        load: async (owner) => (loads.push(owner), stored([[0, 4]])),
        known: (owner) => (owner === 'known' ? stored([[1, 2]]) : undefined),
      },
      2,
    );
    expect(vectors.known('known')).toEqual([-1, 2]);
    expect(vectors.known('unknown')).toBeUndefined();
    expect(loads).toEqual([]);
    await expect(vectors.applied('x')).resolves.toEqual([4, -1]);
    expect(loads).toEqual(['x']);
  });

  it('names the checkpoint owners of the versions a sync reads', () => {
    expect(syncOwners({ lists: 1, inbox: 2, keys: 3 })).toEqual({
      lists: 'projection:device-lists:v1',
      inbox: 'projection:to-device:v2',
      keys: 'projection:one-time-keys:v3',
    });
  });
});
