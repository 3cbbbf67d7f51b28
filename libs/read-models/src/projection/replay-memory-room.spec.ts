import { Collection, Document } from 'mongodb';
import { makeRoomForBatch } from './replay-memory-room';
import { ReplayMemory } from './replay-memory';
import { InMemoryCollection } from './in-memory-collection';

const doc = (id: string) => ({ _id: id, _meta: { partition: 0, offset: 1 } });

/** A deferring replay's memory of `limit` entries holding `held` (not yet in `store`). */
function deferring(limit: number, held: string[]) {
  const store = new InMemoryCollection();
  const memory = new ReplayMemory<Document>(limit, true);
  for (const id of held) memory.hold(store.collection as unknown as Collection<Document>, id, doc(id));
  return { store, memory };
}

describe('room in a deferring replay memory before a batch', () => {
  it('with room for the new documents: nothing is written and writes stay deferred', async () => {
    const { store, memory } = deferring(3, ['A']);
    await makeRoomForBatch(memory, () => ['A', 'B', 'C']);
    expect(store.log).toEqual([]);
    expect(memory.defers).toBe(true);
  });

  it('without: the held documents are inserted first, and writes are no longer deferred', async () => {
    const { store, memory } = deferring(3, ['A', 'B']);
    await makeRoomForBatch(memory, () => ['C', 'D']);
    expect(store.log).toEqual(['insert A,B']);
    expect(memory.defers).toBe(false);
  });

  it('counts only documents it does not hold yet, each once', async () => {
    const { store, memory } = deferring(3, ['A', 'B']);
    await makeRoomForBatch(memory, () => ['A', 'B', 'C', 'C']);
    expect(store.log).toEqual([]);
  });

  it('asks for no document ids unless the memory defers (live runs, ordinary replays)', async () => {
    const ids = jest.fn(() => ['A']);
    await makeRoomForBatch(undefined, ids);
    await makeRoomForBatch(new ReplayMemory(0, false), ids);
    expect(ids).not.toHaveBeenCalled();
  });
});
