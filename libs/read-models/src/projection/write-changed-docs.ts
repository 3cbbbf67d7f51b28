import { Collection, Document } from 'mongodb';
import { ProjectedDoc } from './projection';
import { ReplayMemory } from './replay-memory';
import { writeAsSoleWriter, writeGuarded } from './point-writes';

/**
 * Where the documents a bucket's fold changed go (keyed by the id they were folded under):
 * - a deferring replay holds them in memory, each inserted once at its flush;
 * - any other replay remembers them, then writes as the only writer while its memory still knows
 *   every document it wrote (no position guard to evaluate);
 * - a live run, or a replay whose memory overflowed, writes under the position guard.
 * `stored` names the ids the store already had (insert versus replace).
 */
export async function writeChangedDocs<D extends ProjectedDoc>(
  collection: Collection<D>,
  changed: ReadonlyMap<string, D>,
  stored: ReadonlySet<string>,
  bulkChunk: number,
  memory?: ReplayMemory<D>,
): Promise<void> {
  if (memory?.defers) {
    for (const [id, doc] of changed) memory.hold(collection as unknown as Collection<Document>, id, doc);
    return;
  }
  if (memory) for (const [id, doc] of changed) memory.set(id, doc);
  // Asked after `set`: remembering these may be what overflows the memory.
  const docs = [...changed.values()];
  if (memory?.complete) await writeAsSoleWriter(collection, docs, stored, bulkChunk);
  else await writeGuarded(collection, docs, stored, bulkChunk);
}
