import { Collection, Document } from 'mongodb';
import { DomainEvent, RecordedEvent } from '@app/contracts';
import { AnyProjection, ProjectedDoc, Projection, ProjectionContext, WriteTuning, declaredEvents, isCustomProjection } from './projection';
import { foldEvents } from './fold-events';
import { ProjectionBuckets } from './buckets';
import { ReplayMemory } from './replay-memory';
import { currentDocs, writeAsSoleWriter, writeGuarded } from './point-writes';
import { PoisonSink, keyedEvents } from './poisoned-events';

/**
 * Applies a batch of recorded events to a projection's buckets, one bulk write per bucket.
 * Position-guarded: an event at or below a document's `_meta.offset` changes nothing, both in
 * memory here and in the database filter, so redelivery and races with a second writer are harmless.
 * Returns how many events changed a document. With `poisoned`, an event the projection's pure code
 * throws on is reported there and skipped (poisoned-events.ts); store failures always throw.
 */
export async function applyEvents<D extends ProjectedDoc, E extends DomainEvent>(
  buckets: ProjectionBuckets<D>,
  projection: Projection<D, E>,
  events: readonly RecordedEvent[],
  tuning: WriteTuning,
  memory?: ReplayMemory<D>,
  poisoned?: PoisonSink,
): Promise<number> {
  // The one place live runs and replays pass events to evolve: only those it declares, keyed.
  const relevant = keyedEvents(declaredEvents<E>(projection, events), (e) => [projection.documentId(e.event), projection.bucketKey(e.event)], poisoned);
  if (memory?.defers) {
    // Held-back documents go to the store before the memory would overflow; guarded writes after.
    const newKeys = new Set(relevant.map((e) => projection.documentId(e.event)).filter((id) => memory.get(id) === undefined));
    if (!memory.hasRoomFor(newKeys.size)) await memory.flush();
  }
  // Buckets are independent collections, so a few are written at once.
  const work = buckets.group(relevant, (e) => projection.bucketKey(e.event));
  let applied = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(tuning.bucketWriters, work.length) }, async () => {
      while (next < work.length) {
        const [collection, inBucket] = work[next++];
        const changed = await applyToBucket(collection, projection, inBucket, tuning.bulkChunk, memory, poisoned); // not `applied += await`: workers interleave
        applied += changed;
      }
    }),
  );
  return applied;
}

async function applyToBucket<D extends ProjectedDoc, E extends DomainEvent>(
  collection: Collection<D>,
  projection: Projection<D, E>,
  relevant: readonly RecordedEvent<E>[],
  bulkChunk: number,
  memory?: ReplayMemory<D>,
  poisoned?: PoisonSink,
): Promise<number> {
  const ids = [...new Set(relevant.map((e) => projection.documentId(e.event)))];
  const current = await currentDocs(collection, ids, memory);
  const stored = new Set(current.keys());

  const { dirty, applied } = foldEvents(projection, current, relevant, poisoned);
  if (dirty.size === 0) return 0;
  if (memory?.defers) {
    for (const id of dirty) memory.hold(collection as unknown as Collection<Document>, id, current.get(id)!);
    return applied;
  }
  if (memory) for (const id of dirty) memory.set(id, current.get(id)!);

  const docs = [...dirty].map((id) => current.get(id)!);
  if (memory?.complete) await writeAsSoleWriter(collection, docs, stored, bulkChunk);
  else await writeGuarded(collection, docs, stored, bulkChunk);
  return applied;
}

/** Applies a batch with whichever write model the projection has. */
export async function projectEvents(
  buckets: ProjectionBuckets,
  projection: AnyProjection,
  events: readonly RecordedEvent[],
  context: ProjectionContext,
): Promise<number> {
  if (isCustomProjection(projection)) return projection.apply(buckets.single(), events, context);
  const memory = context.replayMemory as ReplayMemory<ProjectedDoc> | undefined;
  return applyEvents(buckets as unknown as ProjectionBuckets<ProjectedDoc>, projection as unknown as Projection<ProjectedDoc>, events, context.tuning, memory, context.poisoned);
}
