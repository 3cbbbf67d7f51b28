import { AnyBulkWriteOperation, Collection, MongoBulkWriteError } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { bulkWriteChunked } from '@app/mongo';
import { ProjectedDoc, Projection } from './projection';

/**
 * Applies a batch of recorded events to a projection's collection in one bulk write.
 * Position-guarded: an event at or below a document's `_meta.offset` changes nothing, both in
 * memory here and in the database filter, so redelivery and races with a second writer are harmless.
 * Returns how many events changed a document.
 */
export async function applyEvents<D extends ProjectedDoc>(
  collection: Collection<D>,
  projection: Projection<D>,
  events: readonly RecordedEvent[],
): Promise<number> {
  const relevant = events.filter((e) => (projection.handles as readonly string[]).includes(e.event.type));
  if (relevant.length === 0) return 0;
  const ids = [...new Set(relevant.map((e) => projection.documentId(e.event)))];
  const current = new Map<string, D>();
  for (const doc of await collection.find({ _id: { $in: ids } } as never).toArray()) current.set(String(doc._id), doc as D);

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

  const operations = [...dirty].map(
    (id) =>
      ({
        replaceOne: {
          filter: { _id: id, $or: [{ '_meta.offset': { $lt: current.get(id)!._meta.offset } }, { _meta: { $exists: false } }] },
          replacement: current.get(id)!,
          upsert: true,
        },
      }) as unknown as AnyBulkWriteOperation<D>,
  );
  await bulkWriteChunked(collection, operations, { ordered: false }, (err) => {
    // A duplicate key means the guard refused an upsert: the stored document is already newer.
    if (!(err instanceof MongoBulkWriteError) || !onlyDuplicateKeys(err)) throw err;
  });
  return applied;
}

function onlyDuplicateKeys(err: MongoBulkWriteError): boolean {
  const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
  return errors.length > 0 && errors.every((e) => e.code === 11000);
}
