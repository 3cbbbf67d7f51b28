import { AnyBulkWriteOperation, Collection, MongoBulkWriteError } from 'mongodb';
import { bulkWriteChunked } from '@app/mongo';
import { ProjectedDoc } from './projection';
import { ReplayMemory } from './replay-memory';

/**
 * How projections read and write their documents: by `_id` only, guarded by log position.
 * (Shared by the declarative projections and the ones that write their own way.)
 */

/**
 * The stored documents with these ids, one exact `{_id}` read each: FerretDB hands only that
 * filter to SQLite and evaluates any other (`$in` included) in Go after decoding every document
 * of the collection, which costs far more than a read per document. A replay asks its memory first.
 */
export async function currentDocs<D extends ProjectedDoc>(
  collection: Collection<D>,
  ids: readonly string[],
  memory?: ReplayMemory<D>,
): Promise<Map<string, D>> {
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

/**
 * A replay is the only writer of its new version and knows every document it wrote: new ones are
 * inserted in bulk and known ones replaced by `{_id}` alone, without the position guard (which
 * FerretDB evaluates in Go, doubling the cost of each statement).
 */
export async function writeAsSoleWriter<D extends ProjectedDoc>(
  collection: Collection<D>,
  docs: readonly D[],
  stored: ReadonlySet<string>,
  bulkChunk: number,
): Promise<void> {
  const inserts = docs.filter((d) => !stored.has(d._id));
  if (inserts.length > 0) await collection.insertMany(inserts as never[], { ordered: false });
  const replaces = docs
    .filter((d) => stored.has(d._id))
    .map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d } }) as unknown as AnyBulkWriteOperation<D>);
  await bulkWriteChunked(collection, replaces, { ordered: false }, bulkChunk);
}

/**
 * Guarded writes: a document at or past an event's position is never replaced by it. Documents
 * the batch found absent are inserted, the others replaced under the guard, never upserted under
 * it. (Found on FerretDB before its `_id` pushdown was patched for filters with more keys: a
 * guarded upsert of a new document scanned the collection, 356 ms at 5,000 documents.) An insert
 * refused as a duplicate means another writer (briefly, in a rebalance) inserted the document
 * since it was read: it is then replaced under the guard like the others.
 */
export async function writeGuarded<D extends ProjectedDoc>(
  collection: Collection<D>,
  docs: readonly D[],
  stored: ReadonlySet<string>,
  bulkChunk: number,
): Promise<void> {
  const present = docs.filter((d) => stored.has(d._id));
  const absent = docs.filter((d) => !stored.has(d._id));
  for (let i = 0; i < absent.length; i += INSERT_CHUNK) {
    const chunk = absent.slice(i, i + INSERT_CHUNK);
    try {
      await collection.insertMany(chunk as never[], { ordered: false });
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError) || !onlyDuplicateKeys(err)) throw err;
      for (const e of writeErrorsOf(err)) present.push(chunk[e.index]);
    }
  }
  const replaces = present.map(
    (doc) =>
      ({
        replaceOne: { filter: { _id: doc._id, $or: [{ '_meta.offset': { $lt: doc._meta.offset } }, { _meta: { $exists: false } }] }, replacement: doc },
      }) as unknown as AnyBulkWriteOperation<D>,
  );
  await bulkWriteChunked(collection, replaces, { ordered: false }, bulkChunk);
}

const INSERT_CHUNK = 1000;

function writeErrorsOf(err: MongoBulkWriteError): { index: number; code: number }[] {
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.map((e) => ({ index: e.index, code: e.code }));
}

function onlyDuplicateKeys(err: MongoBulkWriteError): boolean {
  const errors = writeErrorsOf(err);
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}
