import { LogEndOffsets } from './log-end-offsets';

/** ListOffsets calls the test answers by hand. */
function heldEnds() {
  const calls: { topic: string; answer: (ends: Record<number, number>) => void }[] = [];
  const endOffsets = (topic: string) =>
    new Promise<Map<number, string>>((resolve) =>
      calls.push({ topic, answer: (ends) => resolve(new Map(Object.entries(ends).map(([p, o]) => [Number(p), String(o)]))) }),
    );
  return { calls, endOffsets };
}

describe('LogEndOffsets', () => {
  it('gives the last offset of each partition that has one', async () => {
    const held = heldEnds();
    const offsets = new LogEndOffsets(held.endOffsets, 'e2ee.events');
    const last = offsets.last();
    expect(held.calls.map((c) => c.topic)).toEqual(['e2ee.events']);
    held.calls[0].answer({ 0: 0, 1: 1, 2: 42 });
    await expect(last).resolves.toEqual(
      new Map([
        [1, 0n],
        [2, 41n],
      ]),
    );
  });

  it('never answers a caller with a look at the log that started before it called', async () => {
    const held = heldEnds();
    const offsets = new LogEndOffsets(held.endOffsets, 'e2ee.events');
    const first = offsets.last();
    const second = offsets.last(); // a write acknowledged now may be past the running look
    const third = offsets.last();
    held.calls[0].answer({ 0: 5 });
    await expect(first).resolves.toEqual(new Map([[0, 4n]]));
    await Promise.resolve();
    expect(held.calls).toHaveLength(2); // one more look, shared by both later callers
    held.calls[1].answer({ 0: 7 });
    await expect(second).resolves.toEqual(new Map([[0, 6n]]));
    await expect(third).resolves.toEqual(new Map([[0, 6n]]));
  });
});
