import { RecordedEvent } from '@app/contracts';
import { ProjectedDoc, Projection, declaredEvents, foldEvents } from '@app/read-models';

/** The runner's own fold (`foldEvents`) over the projection's declared events, on documents in memory. Returns the ids it changed. */
export function applyGuarded<D extends ProjectedDoc>(projection: Projection<D>, current: Map<string, D>, events: readonly RecordedEvent[]): Set<string> {
  return foldEvents(projection, current, declaredEvents(projection, events)).dirty;
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
