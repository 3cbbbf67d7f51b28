import { targetsIn, targetsOfVector } from './barrier-targets';

describe('barrier targets', () => {
  const partitionOf = (userId: string) => ({ '@a': 0, '@b': 2, '@c': 2, '@d': 3 })[userId]!;

  it("keeps the last offsets of the users' partitions only, each once, and none for an empty partition", () => {
    const last = new Map([
      [0, 9n],
      [1, 4n],
      [2, 7n],
    ]);
    expect(targetsIn(last, ['@a', '@b', '@c', '@d'], partitionOf)).toEqual(
      new Map([
        [0, 9n],
        [2, 7n],
      ]),
    );
    expect(targetsIn(last, [], partitionOf)).toEqual(new Map());
  });

  it("turns a stream token's positions into targets, leaving out partitions it has seen nothing of", () => {
    expect(targetsOfVector([3, -1, 0])).toEqual(
      new Map([
        [0, 3n],
        [2, 0n],
      ]),
    );
  });
});
