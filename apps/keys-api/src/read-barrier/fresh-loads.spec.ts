import { FreshLoads } from './fresh-loads';

/** A load per call that the test completes by hand (a held promise). */
function heldLoads() {
  const calls: { key: string; resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  const load = (key: string) => new Promise<number>((resolve, reject) => calls.push({ key, resolve, reject }));
  return { calls, loads: new FreshLoads(load) };
}

describe('FreshLoads', () => {
  it('shares one load among callers that arrive while another runs, and never answers with the older one', async () => {
    const { calls, loads } = heldLoads();
    const first = loads.get('a');
    const second = loads.get('a'); // arrives while the first load runs: must see a later load
    const third = loads.get('a');
    expect(calls).toHaveLength(1);
    calls[0].resolve(1);
    await expect(first).resolves.toBe(1);
    await Promise.resolve();
    expect(calls).toHaveLength(2); // the queued load started once the first ended
    calls[1].resolve(2);
    await expect(second).resolves.toBe(2);
    await expect(third).resolves.toBe(2);
  });

  it('keeps keys apart, and a failed load does not stop the next', async () => {
    const { calls, loads } = heldLoads();
    const a = loads.get('a');
    const b = loads.get('b');
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
    const again = loads.get('a');
    calls[0].reject(new Error('store down'));
    await expect(a).rejects.toThrow('store down');
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toHaveLength(3);
    calls[2].resolve(7);
    await expect(again).resolves.toBe(7);
    calls[1].resolve(5);
    await expect(b).resolves.toBe(5);
    const later = loads.get('a'); // nothing running: a fresh load
    expect(calls).toHaveLength(4);
    calls[3].resolve(8);
    await expect(later).resolves.toBe(8);
  });
});
