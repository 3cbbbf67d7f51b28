import { DomainEvent, RecordedEvent } from '@app/contracts';
import { ProjectedDoc, Projection } from './projection';
import { PoisonSink, isSkipped, pureStep } from './poisoned-events';

/**
 * The fold every declarative projection's batch goes through, on documents in memory (by `_id`):
 * an event at or below a document's `_meta.offset` changes nothing (redelivery, replay), and
 * `null` from evolve leaves a tombstone that keeps the position. Returns the ids it changed and
 * how many events changed one. With `poisoned`, an event evolve throws on is reported there and
 * skipped (its document stays as it was); without, the throw fails the fold. (Events whose
 * documentId throws are left out before: applyEvents' keyedEvents.)
 */
export function foldEvents<D extends ProjectedDoc, E extends DomainEvent>(
  projection: Projection<D, E>,
  current: Map<string, D>,
  events: readonly RecordedEvent<E>[],
  poisoned?: PoisonSink,
): { dirty: Set<string>; applied: number } {
  const dirty = new Set<string>();
  let applied = 0;
  for (const recorded of events) {
    const id = projection.documentId(recorded.event);
    const offset = Number(recorded.offset);
    const doc = current.get(id) ?? null;
    if (doc && doc._meta.offset >= offset) continue;
    const meta = { partition: recorded.partition, offset };
    const next = pureStep(recorded, () => projection.evolve(doc && doc.deleted ? null : doc, recorded.event, meta), poisoned);
    if (isSkipped(next)) continue;
    current.set(id, next ?? ({ _id: id, _meta: meta, deleted: true } as D));
    dirty.add(id);
    applied++;
  }
  return { dirty, applied };
}
