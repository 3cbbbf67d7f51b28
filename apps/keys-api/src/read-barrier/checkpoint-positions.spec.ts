import { CheckpointPositions } from './checkpoint-reads';
import { RelevantOffsets } from './relevant-offsets';

/** A store of checkpoints whose reads the test holds and releases. */
function heldStore() {
  const reads: { release: (stored: Map<number, string>) => void }[] = [];
  const stored = () => new Promise<ReadonlyMap<number, string>>((resolve) => reads.push({ release: resolve }));
  return { stored, reads };
}

const OWNER = 'projection:unknown-to-the-reader:v1';
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('CheckpointPositions', () => {
  it('knows nothing before a load, then what the loads read', async () => {
    const store = heldStore();
    const positions = new CheckpointPositions(store.stored, new RelevantOffsets(new Map()));
    expect(positions.known(OWNER)).toBeUndefined();
    const loaded = positions.load(OWNER);
    await turn();
    store.reads[0].release(new Map([[0, '5']]));
    await expect(loaded).resolves.toEqual(new Map([[0, '5']]));
    expect(positions.known(OWNER)).toEqual(new Map([[0, '5']]));
  });

  it('never moves what it knows back when a load that started earlier lands later with older checkpoints', async () => {
    const store = heldStore();
    const positions = new CheckpointPositions(store.stored, new RelevantOffsets(new Map()));
    const older = positions.load(OWNER); // e.g. from a lagging replica
    await turn();
    const newer = positions.load(OWNER); // waits for the next load (fresh-loads.ts)
    store.reads[0].release(
      new Map([
        [0, '9'],
        [1, '2'],
      ]),
    );
    await older;
    await turn();
    store.reads[1].release(
      new Map([
        [0, '7'],
        [1, '3'],
      ]),
    );
    await newer;
    expect(positions.known(OWNER)).toEqual(
      new Map([
        [0, '9'],
        [1, '3'],
      ]),
    );
  });
});
