import { deferred } from '../testing/in-memory-ports';
import { PartitionWriteChain } from './partition-write-chain';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('PartitionWriteChain', () => {
  it("starts a partition's write only once the one queued before it has ended", async () => {
    const chain = new PartitionWriteChain();
    const first = deferred();
    const started: string[] = [];
    const a = chain.run(0, async () => {
      started.push('a');
      await first.promise;
      return true;
    });
    const b = chain.run(0, async () => {
      started.push('b');
      return true;
    });
    await turn();
    expect(started).toEqual(['a']); // the later write waits: it cannot overtake the one in flight
    first.release();
    await expect(a).resolves.toBe(true);
    await expect(b).resolves.toBe(true);
    expect(started).toEqual(['a', 'b']);
  });

  it('keeps partitions apart', async () => {
    const chain = new PartitionWriteChain();
    const held = deferred();
    const started: number[] = [];
    void chain.run(0, async () => {
      started.push(0);
      await held.promise;
      return true;
    });
    void chain.run(1, async () => (started.push(1), true));
    await turn();
    expect(started).toEqual([0, 1]);
    held.release();
  });

  it('goes on after a failed write, which its caller alone sees', async () => {
    const chain = new PartitionWriteChain();
    const failed = chain.run(0, () => Promise.reject(new Error('store down')));
    const next = chain.run(0, async () => true);
    await expect(failed).rejects.toThrow('store down');
    await expect(next).resolves.toBe(true);
  });

  it('settles once every write started so far has ended, failed ones included', async () => {
    const chain = new PartitionWriteChain();
    const held = deferred();
    void chain.run(0, () => Promise.reject(new Error('x'))).catch(() => undefined);
    void chain.run(1, async () => (await held.promise, true));
    let settled = false;
    void chain.settled().then(() => (settled = true));
    await turn();
    expect(settled).toBe(false);
    held.release();
    await turn();
    expect(settled).toBe(true);
  });
});
