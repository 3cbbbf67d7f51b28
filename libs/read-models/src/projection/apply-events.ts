import { AnyBulkWriteOperation, Collection, MongoBulkWriteError } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { BULK_CHUNK } from '@app/mongo';
import { AnyProjection, ProjectedDoc, Projection, ProjectionContext, isCustomProjection } from './projection';
import { ProjectionBuckets } from './buckets';

/**
 * Applies a batch of recorded events to a projection's buckets, one bulk write per bucket.
 * Position-guarded: an event at or below a document's `_meta.offset` changes nothing, both in
 * memory here and in the database filter, so redelivery and races with a second writer are harmless.
 * Returns how many events changed a document.
 */
export async function applyEvents<D extends ProjectedDoc>(
  buckets: ProjectionBuckets<D>,
  projection: Projection<D>,
  events: readonly RecordedEvent[],
): Promise<number> {
  const relevant = events.filter((e) => (projection.handles as readonly string[]).includes(e.event.type));
  let applied = 0;
  for (const [collection, inBucket] of buckets.group(relevant, (e) => projection.bucketKey(e.event))) {
    applied += await applyToBucket(collection, projection, inBucket);
  }
  return applied;
}

/** Up to this many documents are read one `{_id}` query each; more are read with one `$in` scan. */
const POINT_READS = 12;

async function currentDocs<D extends ProjectedDoc>(collection: Collection<D>, ids: readonly string[]): Promise<D[]> {
  // On FerretDB an exact `{_id}` filter is evaluated by SQLite, any other filter in Go after
  // decoding every document of the collection (~14 times the cost): a few point reads are cheaper.
  if (ids.length > POINT_READS) return (await collection.find({ _id: { $in: ids } } as never).toArray()) as D[];
  const found = await Promise.all(ids.map((id) => collection.findOne({ _id: id } as never)));
  return found.filter((doc): doc is NonNullable<typeof doc> => doc !== null) as D[];
}

async function applyToBucket<D extends ProjectedDoc>(collection: Collection<D>, projection: Projection<D>, relevant: readonly RecordedEvent[]): Promise<number> {
  const ids = [...new Set(relevant.map((e) => projection.documentId(e.event)))];
  const current = new Map<string, D>();
  for (const doc of await currentDocs(collection, ids)) current.set(String(doc._id), doc);

  const dirty = new Set<string>();
  let applied = 0;
  for (const recorded of relevant) {
    const id = projection.documentId(recorded.event);
    const offset = Number(recorded.offset);
    const doc = current.get(id) ?? null;
    if (doc && doc._meta.offset >= offset) continue;
    const meta = { partition: recorded.partition, offset };
    const next = projection.evolve(doc && doc.deleted ? null : doc, recorded.event, meta);
    current.set(id, next ?? ({ _id: id, _meta: meta, deleted: true } as D));
    dirty.add(id);
    applied++;
  }
  if (dirty.size === 0) return 0;

  const replacements = [...dirty].map((id) => {
    const doc = current.get(id)!;
    return { filter: { _id: id, $or: [{ '_meta.offset': { $lt: doc._meta.offset } }, { _meta: { $exists: false } }] }, replacement: doc };
  });
  for (let i = 0; i < replacements.length; i += BULK_CHUNK) {
    const chunk = replacements.slice(i, i + BULK_CHUNK);
    try {
      await collection.bulkWrite(chunk.map((r) => ({ replaceOne: { ...r, upsert: true } }) as unknown as AnyBulkWriteOperation<D>), { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError) || !onlyDuplicateKeys(err)) throw err;
      // A duplicate key means either the guard refused (the stored document is newer) or another
      // writer inserted the document between this upsert's query and its insert (the store's
      // update is not atomic). One retry tells them apart: it replaces an older document, or it
      // is refused again.
      for (const e of writeErrorsOf(err)) {
        const r = chunk[e.index];
        await collection.replaceOne(r.filter as never, r.replacement as never, { upsert: true }).catch((again) => {
          if ((again as { code?: number }).code !== 11000) throw again;
        });
      }
    }
  }
  return applied;
}

function writeErrorsOf(err: MongoBulkWriteError): { index: number; code: number }[] {
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.map((e) => ({ index: e.index, code: e.code }));
}

function onlyDuplicateKeys(err: MongoBulkWriteError): boolean {
  const errors = writeErrorsOf(err);
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}

/** Applies a batch with whichever write model the projection has. */
export async function projectEvents(
  buckets: ProjectionBuckets,
  projection: AnyProjection,
  events: readonly RecordedEvent[],
  context: ProjectionContext,
): Promise<number> {
  if (isCustomProjection(projection)) return projection.apply(buckets.single(), events, context);
  return applyEvents(buckets as unknown as ProjectionBuckets<ProjectedDoc>, projection as unknown as Projection<ProjectedDoc>, events);
}
