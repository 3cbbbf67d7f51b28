import { CheckpointWatch, WatchLog } from './checkpoint-watch';

/** Checkpoint reads answered by the test: each read is held until released. */
function heldCheckpoints() {
  const reads: { owner: string; answer: (positions: Record<number, number>) => void }[] = [];
  const load = (owner: string) =>
    new Promise<Map<number, string>>((resolve) =>
      reads.push({ owner, answer: (positions) => resolve(new Map(Object.entries(positions).map(([p, o]) => [Number(p), String(o)]))) }),
    );
  return { reads, load };
}

const warnings: string[] = [];
const log: WatchLog = { write: (_level, message) => void warnings.push(message) };
const target = (partition: number, offset: number) => new Map([[partition, BigInt(offset)]]);

/** Runs due timers and the promise continuations they start. */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('CheckpointWatch', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    warnings.length = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('judges waiters that arrive during a checkpoint read by that read only when their projection was read', async () => {
    const store = heldCheckpoints();
    const watch = new CheckpointWatch(store.load, 10_000, log);
    const a = watch.waitFor('projection:x:v1', target(0, 5));
    await advance(0);
    expect(store.reads.map((r) => r.owner)).toEqual(['projection:x:v1']);
    // While x's checkpoints are read, a waiter on another projection and one more on x arrive.
    const b = watch.waitFor('projection:y:v1', target(0, 5));
    const c = watch.waitFor('projection:x:v1', target(0, 7));
    const states = { a: 'waiting', b: 'waiting', c: 'waiting' };
    void a.then((v) => (states.a = String(v)));
    void b.then((v) => (states.b = String(v)));
    void c.then((v) => (states.c = String(v)));
    store.reads[0].answer({ 0: 9 }); // checkpoints only move forward: a read older than c is still a lower bound
    await advance(0);
    expect(states).toEqual({ a: 'true', b: 'waiting', c: 'true' });
    expect(warnings).toEqual([]);
    await advance(5);
    expect(store.reads.map((r) => r.owner)).toEqual(['projection:x:v1', 'projection:y:v1']);
    store.reads[1].answer({ 0: 5 });
    await advance(0);
    expect(states.b).toBe('true');
  });

  it('stops reading checkpoints once stopped, even with a read in flight', async () => {
    const store = heldCheckpoints();
    const watch = new CheckpointWatch(store.load, 10_000, log);
    const waiting = watch.waitFor('projection:x:v1', target(0, 5));
    await advance(0);
    watch.stop();
    await expect(waiting).resolves.toBe(false);
    store.reads[0].answer({ 0: 1 });
    await advance(1_000);
    expect(store.reads).toHaveLength(1);
  });

  it('gives up on a waiter after the timeout', async () => {
    const store = heldCheckpoints();
    const watch = new CheckpointWatch(store.load, 100, log);
    const waiting = watch.waitFor('projection:x:v1', target(0, 5));
    for (let t = 0; t <= 120; t += 5) {
      await advance(5);
      for (const read of store.reads.splice(0)) read.answer({ 0: 1 });
    }
    await expect(waiting).resolves.toBe(false);
  });

  it('answers from checkpoints read before when they already pass the targets, and reads again when not', async () => {
    const store = heldCheckpoints();
    const known = new Map([['projection:x:v1', new Map([[0, '5']])]]);
    const watch = new CheckpointWatch(store.load, 10_000, log, Date.now, (owner) => known.get(owner));
    await expect(watch.waitFor('projection:x:v1', target(0, 5))).resolves.toBe(true);
    expect(store.reads).toHaveLength(0);
    const later = watch.waitFor('projection:x:v1', target(0, 6));
    await advance(0);
    expect(store.reads.map((r) => r.owner)).toEqual(['projection:x:v1']);
    store.reads[0].answer({ 0: 6 });
    await expect(later).resolves.toBe(true);
  });
});
