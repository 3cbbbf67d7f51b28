import { DomainEvent, RecordedEvent } from '@app/contracts';
import { AnyProjection, ProjectedDoc, Projection, ProjectionContext, WriteTuning, bucketKeyOf, isCustomProjection } from './projection';
import { ProjectionBuckets } from './buckets';
import { ReplayMemory } from './replay-memory';
import { PoisonSink } from './poisoned-events';
import { projectableEvents } from './projectable-events';
import { makeRoomForBatch } from './replay-memory-room';
import { acrossBuckets } from './bucket-writers';
import { applyToBucket } from './apply-to-bucket';

/**
 * Applies a batch of recorded events to a projection's buckets, one bulk write per bucket.
 * Position-guarded: an event at or below a document's `_meta.offset` changes nothing, both in
 * memory here and in the database filter, so redelivery and races with a second writer are harmless.
 * Returns how many events changed a document. With `poisoned`, an event the projection's pure code
 * throws on is reported there and skipped (poisoned-events.ts); store failures always throw.
 * The steps are in: projectable-events.ts, replay-memory-room.ts, bucket-writers.ts and
 * apply-to-bucket.ts (read, fold, then write-changed-docs.ts).
 */
export async function applyEvents<D extends ProjectedDoc, E extends DomainEvent>(
  buckets: ProjectionBuckets<D>,
  projection: Projection<D, E>,
  events: readonly RecordedEvent[],
  tuning: WriteTuning,
  memory?: ReplayMemory<D>,
  poisoned?: PoisonSink,
): Promise<number> {
  const relevant = projectableEvents(projection, events, poisoned);
  await makeRoomForBatch(memory, () => relevant.map((e) => projection.documentId(e.event)));
  const work = buckets.group(relevant, (e) => bucketKeyOf(projection, e.event));
  return acrossBuckets(work, tuning.bucketWriters, ([collection, inBucket]) =>
    applyToBucket(collection, projection, inBucket, tuning.bulkChunk, memory, poisoned),
  );
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
  return applyEvents(
    buckets as unknown as ProjectionBuckets<ProjectedDoc>,
    projection as unknown as Projection<ProjectedDoc>,
    events,
    context.tuning,
    memory,
    context.poisoned,
  );
}
