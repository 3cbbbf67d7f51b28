import { BackgroundCommits, PartitionOffset } from './background-commits';

function heldCommits() {
  const commits: { offsets: PartitionOffset[]; complete: () => void; fail: (e: Error) => void }[] = [];
  const commit = (offsets: PartitionOffset[]) => new Promise<void>((resolve, reject) => commits.push({ offsets, complete: resolve, fail: reject }));
  return { commits, commit };
}
const at = (partition: number, offset: number): PartitionOffset => ({ topic: 't', partition, offset: String(offset) });
const flush = () => new Promise((r) => setImmediate(r));

describe('BackgroundCommits', () => {
  it('commits one request at a time, carrying only the latest offset of each partition handled meanwhile', async () => {
    const { commits, commit } = heldCommits();
    const background = new BackgroundCommits(commit, () => undefined);
    background.handled(at(0, 5));
    await flush();
    background.handled(at(0, 7));
    background.handled(at(1, 3));
    background.handled(at(0, 9));
    await flush();
    expect(commits).toHaveLength(1);
    commits[0].complete();
    await flush();
    expect(commits.map((c) => c.offsets)).toEqual([[at(0, 5)], [at(0, 9), at(1, 3)]]);
    commits[1].complete();
    await background.settled();
    expect(commits).toHaveLength(2);
  });

  it('an offset handled while the last commit completes is still committed', async () => {
    const { commits, commit } = heldCommits();
    const background = new BackgroundCommits(commit, () => undefined);
    background.handled(at(0, 1));
    commits[0].complete();
    background.handled(at(0, 2)); // before the completion reaches the loop
    await flush();
    expect(commits.map((c) => c.offsets)).toEqual([[at(0, 1)], [at(0, 2)]]);
  });

  it('forgets what was handled before a new assignment, and reports a failed commit without stopping', async () => {
    const { commits, commit } = heldCommits();
    const failures: string[] = [];
    const background = new BackgroundCommits(commit, (e) => failures.push(e.message));
    background.handled(at(0, 1));
    background.handled(at(1, 4));
    background.forget();
    commits[0].fail(new Error('rebalance in progress'));
    await flush();
    expect(failures).toEqual(['rebalance in progress']);
    expect(commits).toHaveLength(1);
    background.handled(at(2, 8));
    await flush();
    expect(commits[1].offsets).toEqual([at(2, 8)]);
  });
});
