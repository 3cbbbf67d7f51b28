import { DomainEvent, RecordedEvent } from '@app/contracts';
import { ProjectedDoc, Projection, bucketKeyOf, declaredEvents } from './projection';
import { PoisonSink, keyedEvents } from './poisoned-events';

/**
 * The one place live runs and replays pick the events of a batch that reach evolve: those the
 * projection declares, and (with a sink) only those whose documentId and bucketKey compute; the
 * others are reported as poison. Without a sink all declared events pass, and a key that throws
 * fails the batch where it is first used.
 */
export function projectableEvents<D extends ProjectedDoc, E extends DomainEvent>(
  projection: Projection<D, E>,
  events: readonly RecordedEvent[],
  poisoned?: PoisonSink,
): RecordedEvent<E>[] {
  return keyedEvents(declaredEvents<E>(projection, events), (e) => [projection.documentId(e.event), bucketKeyOf(projection, e.event)], poisoned);
}
