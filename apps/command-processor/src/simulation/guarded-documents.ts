import { RecordedEvent } from '@app/contracts';
import { ProjectedDoc, Projection } from '@app/read-models';

/**
 * The fold of `applyToBucket` (libs/read-models/src/projection/apply-events.ts), on documents in
 * memory: an event at or below a document's position changes nothing; `null` from evolve leaves
 * a tombstone with the position. Returns the ids it changed.
 */
export function applyGuarded<D extends ProjectedDoc>(projection: Projection<D>, current: Map<string, D>, events: readonly RecordedEvent[]): Set<string> {
  const dirty = new Set<string>();
  for (const recorded of events) {
    if (!(projection.handles as readonly string[]).includes(recorded.event.type)) continue;
    const id = projection.documentId(recorded.event);
    const offset = Number(recorded.offset);
    const doc = current.get(id) ?? null;
    if (doc && doc._meta.offset >= offset) continue;
    const meta = { partition: recorded.partition, offset };
    const next = projection.evolve(doc && doc.deleted ? null : doc, recorded.event, meta);
    current.set(id, next ?? ({ _id: id, _meta: meta, deleted: true } as D));
    dirty.add(id);
  }
  return dirty;
}

/**
 * A projection's collection as `writeGuarded` (point-writes.ts) leaves it on MongoDB: a
 * document is replaced only by one with a later position, each replacement atomic.
 */
export class GuardedDocuments<D extends ProjectedDoc> {
  readonly docs = new Map<string, D>();

  read(ids: Iterable<string>): Map<string, D> {
    const found = new Map<string, D>();
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) found.set(id, structuredClone(doc));
    }
    return found;
  }

  /** Returns the documents that landed (the others were older than the stored ones). */
  write(docs: readonly D[]): D[] {
    const landed = docs.filter((doc) => {
      const stored = this.docs.get(doc._id);
      return !stored || stored._meta.offset < doc._meta.offset;
    });
    for (const doc of landed) this.docs.set(doc._id, doc); // evolve's output, never changed afterwards
    return landed;
  }
}
