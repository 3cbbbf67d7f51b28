import { AnyBulkWriteOperation, Collection, Document, MongoBulkWriteError } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { BULK_CHUNK, bulkWriteChunked } from '@app/mongo';
import { AnyProjection, ProjectedDoc, Projection, ProjectionContext, isCustomProjection } from './projection';
import { ProjectionBuckets } from './buckets';
import { ReplayMemory } from './replay-memory';

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
  memory?: ReplayMemory<D>,
): Promise<number> {
  const relevant = events.filter((e) => (projection.handles as readonly string[]).includes(e.event.type));
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
    Array.from({ length: Math.min(BUCKETS_IN_PARALLEL, work.length) }, async () => {
      while (next < work.length) {
        const [collection, inBucket] = work[next++];
        const changed = await applyToBucket(collection, projection, inBucket, memory); // not `applied += await`: workers interleave
        applied += changed;
      }
    }),
  );
  return applied;
}

/** Buckets written at once; each holds up to BULK_CHUNK statements open (FerretDB's pool has 100). */
const BUCKETS_IN_PARALLEL = Math.max(1, Number(process.env.PROJECTION_BUCKET_WRITERS ?? 4));

/**
 * The stored documents with these ids, one exact `{_id}` read each: FerretDB hands only that
 * filter to SQLite and evaluates any other (`$in` included) in Go after decoding every document
 * of the collection, which costs far more than a read per document. A replay asks its memory first.
 */
async function currentDocs<D extends ProjectedDoc>(collection: Collection<D>, ids: readonly string[], memory?: ReplayMemory<D>): Promise<Map<string, D>> {
  const current = new Map<string, D>();
  const unknown: string[] = [];
  for (const id of ids) {
    const remembered = memory?.get(id);
    if (remembered) current.set(id, remembered);
    else if (!memory?.complete) unknown.push(id);
  }
  const found = await Promise.all(unknown.map((id) => collection.findOne({ _id: id } as never)));
  for (const doc of found) if (doc) current.set(String(doc._id), doc as D);
  return current;
}

async function applyToBucket<D extends ProjectedDoc>(
  collection: Collection<D>,
  projection: Projection<D>,
  relevant: readonly RecordedEvent[],
  memory?: ReplayMemory<D>,
): Promise<number> {
  const ids = [...new Set(relevant.map((e) => projection.documentId(e.event)))];
  const current = await currentDocs(collection, ids, memory);
  const stored = new Set(current.keys());

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
  if (memory?.defers) {
    for (const id of dirty) memory.hold(collection as unknown as Collection<Document>, id, current.get(id)!);
    return applied;
  }
  if (memory) for (const id of dirty) memory.set(id, current.get(id)!);

  const docs = [...dirty].map((id) => current.get(id)!);
  if (memory?.complete) await writeAsSoleWriter(collection, docs, stored);
  else await writeGuarded(collection, docs);
  return applied;
}

/**
 * A replay is the only writer of its new version and knows every document it wrote: new ones are
 * inserted in bulk and known ones replaced by `{_id}` alone, without the position guard (which
 * FerretDB evaluates in Go, doubling the cost of each statement).
 */
async function writeAsSoleWriter<D extends ProjectedDoc>(collection: Collection<D>, docs: readonly D[], stored: ReadonlySet<string>): Promise<void> {
  const inserts = docs.filter((d) => !stored.has(d._id));
  if (inserts.length > 0) await collection.insertMany(inserts as never[], { ordered: false });
  const replaces = docs.filter((d) => stored.has(d._id)).map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d } }) as unknown as AnyBulkWriteOperation<D>);
  await bulkWriteChunked(collection, replaces, { ordered: false });
}

/** Guarded upserts: a document at or past an event's position is never replaced by it. */
async function writeGuarded<D extends ProjectedDoc>(collection: Collection<D>, docs: readonly D[]): Promise<void> {
  const replacements = docs.map((doc) => ({
    filter: { _id: doc._id, $or: [{ '_meta.offset': { $lt: doc._meta.offset } }, { _meta: { $exists: false } }] },
    replacement: doc,
  }));
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
  return applyEvents(buckets as unknown as ProjectionBuckets<ProjectedDoc>, projection as unknown as Projection<ProjectedDoc>, events, context.replayMemory as ReplayMemory<ProjectedDoc> | undefined);
}
