import { writeChangedDocs } from './write-changed-docs';
import { ReplayMemory } from './replay-memory';
import { InMemoryCollection } from './in-memory-collection';

type Doc = { _id: string; _meta: { partition: number; offset: number }; v: string };
const doc = (id: string, offset: number, v = `${id}@${offset}`): Doc => ({ _id: id, _meta: { partition: 0, offset }, v });
const changed = (...docs: Doc[]) => new Map(docs.map((d) => [d._id, d]));

/** A store holding A at offset 5; the batch changed A (to offset 7) and the new B. */
function batch() {
  const store = new InMemoryCollection<Doc>();
  store.docs.set('A', doc('A', 5));
  return { store, docs: changed(doc('A', 7), doc('B', 7)), stored: new Set(['A']) };
}

describe('where a bucket writes the documents its fold changed', () => {
  it('live: inserts the new ones and replaces the stored ones under the position guard', async () => {
    const { store, docs, stored } = batch();
    await writeChangedDocs(store.collection, docs, stored, 100);
    expect(store.log).toEqual(['insert B', 'replace A guarded']);
    expect([...store.docs.values()]).toEqual([doc('A', 7), doc('B', 7)]);
  });

  it('live: the guard keeps a document another writer moved past this batch', async () => {
    const { store, docs, stored } = batch();
    store.docs.set('A', doc('A', 9, 'newer'));
    await writeChangedDocs(store.collection, docs, stored, 100);
    expect(store.docs.get('A')).toEqual(doc('A', 9, 'newer'));
  });

  it('replay whose memory knows all it wrote: remembers them and writes as the sole writer (no guard)', async () => {
    const { store, docs, stored } = batch();
    const memory = new ReplayMemory<Doc>(10);
    await writeChangedDocs(store.collection, docs, stored, 100, memory);
    expect(store.log).toEqual(['insert B', 'replace A']);
    expect([memory.get('A'), memory.get('B')]).toEqual([doc('A', 7), doc('B', 7)]);
  });

  it('replay whose memory overflows on these documents: writes under the guard', async () => {
    const { store, docs, stored } = batch();
    const memory = new ReplayMemory<Doc>(1);
    await writeChangedDocs(store.collection, docs, stored, 100, memory);
    expect(memory.complete).toBe(false);
    expect(store.log).toEqual(['insert B', 'replace A guarded']);
  });

  it('deferring replay: holds them, and the store sees each once at the flush', async () => {
    const store = new InMemoryCollection<Doc>();
    const memory = new ReplayMemory<Doc>(10, true);
    await writeChangedDocs(store.collection, changed(doc('A', 1), doc('B', 1)), new Set(), 100, memory);
    await writeChangedDocs(store.collection, changed(doc('A', 2)), new Set(), 100, memory);
    expect(store.log).toEqual([]);
    expect(memory.get('A')).toEqual(doc('A', 2));
    await memory.flush();
    expect(store.log).toEqual(['insert A,B']);
    expect(store.docs.get('A')).toEqual(doc('A', 2));
  });

  it('chunks replaces by the bulk chunk', async () => {
    const store = new InMemoryCollection<Doc>();
    const bulkWrite = jest.spyOn(store, 'bulkWrite');
    for (const id of ['A', 'B', 'C']) store.docs.set(id, doc(id, 1));
    await writeChangedDocs(store.collection, changed(doc('A', 2), doc('B', 2), doc('C', 2)), new Set(['A', 'B', 'C']), 2);
    expect(bulkWrite.mock.calls.map(([ops]) => ops.length)).toEqual([2, 1]);
  });
});
