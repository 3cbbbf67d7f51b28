import { ReplayMemory } from './replay-memory';

/**
 * Before a deferring replay folds a batch: if the documents it would newly hold do not fit, the
 * held ones go to the store first (and the memory stops deferring, so later writes are ordinary).
 * `documentIds` is called only when the memory defers, so a live batch computes no keys here.
 */
export async function makeRoomForBatch<D>(memory: ReplayMemory<D> | undefined, documentIds: () => readonly string[]): Promise<void> {
  if (!memory?.defers) return;
  const newKeys = new Set(documentIds().filter((id) => memory.get(id) === undefined));
  if (!memory.hasRoomFor(newKeys.size)) await memory.flush();
}
