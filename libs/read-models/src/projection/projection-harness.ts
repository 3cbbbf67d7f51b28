import { DomainEvent, DomainEventType, RecordedEvent } from '@app/contracts';
import { EventOf, ProjectedDoc, Projection, declaredEvents } from './projection';
import { foldEvents } from './fold-events';
import { PoisonSink } from './poisoned-events';

/**
 * Given/expect for projections in unit specs (after Emmett's projection specifications): given
 * the batches a partition delivers, expect the documents a projection's writer leaves.
 */

/** One delivered batch applied to documents in memory (by `_id`), as the projection's writer does. */
export type BatchApplier<D extends { readonly _id: string }> = (docs: Map<string, D>, batch: readonly RecordedEvent[]) => void | Promise<void>;

/** A declarative projection's batch as the runner applies it (apply-events.ts): its declared events only, folded onto what was read. */
export function declarativeApplier<D extends ProjectedDoc, E extends DomainEvent>(projection: Projection<D, E>, poisoned?: PoisonSink): BatchApplier<D> {
  return (docs, batch) => {
    const current = new Map(docs);
    const { dirty } = foldEvents(projection, current, declaredEvents<E>(projection, batch), poisoned);
    for (const id of dirty) docs.set(id, current.get(id)!);
  };
}

const byId = <D extends { readonly _id: string }>(a: D, b: D): number => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

export function projectionSpec<D extends { readonly _id: string }>(apply: BatchApplier<D>) {
  return {
    /** Each argument is one delivered batch, in delivery order (a batch delivered twice is given twice). */
    given(...batches: (readonly RecordedEvent[])[]) {
      const documents = async (): Promise<D[]> => {
        const docs = new Map<string, D>();
        // Copies: an applier that kept a reference to a delivered event or a stored document would hide a mutation.
        for (const batch of batches) await apply(docs, structuredClone(batch));
        return [...structuredClone(docs).values()].sort(byId);
      };
      return {
        documents,
        /** Every document stored (tombstones included), in `_id` order. */
        async expect(expected: readonly D[]): Promise<void> {
          expect(await documents()).toEqual([...expected].sort(byId));
        },
      };
    },
  };
}

/** A recorded event of a type, with its data checked against the type. */
export function recorded<T extends DomainEventType>(offset: number, type: T, data: EventOf<T>['data'], partition = 0): RecordedEvent<EventOf<T>> {
  const key = (data as { userId?: string; roomId?: string }).userId ?? (data as { roomId: string }).roomId;
  const event = { id: `${type}@${partition}:${offset}`, type, schemaVersion: 1, key, time: 0, correlationId: 'spec', causationId: null, data } as EventOf<T>;
  return { event, partition, offset: String(offset) };
}
