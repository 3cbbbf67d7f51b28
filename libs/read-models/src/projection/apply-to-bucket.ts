import { Collection } from 'mongodb';
import { DomainEvent, RecordedEvent } from '@app/contracts';
import { ProjectedDoc, Projection } from './projection';
import { foldEvents } from './fold-events';
import { ReplayMemory } from './replay-memory';
import { currentDocs } from './point-writes';
import { PoisonSink } from './poisoned-events';
import { writeChangedDocs } from './write-changed-docs';

/**
 * One bucket's share of a batch: reads each document its events touch (once, however many
 * events touch it), folds the events onto them in memory, and writes only the changed ones.
 * Returns how many events changed a document.
 */
export async function applyToBucket<D extends ProjectedDoc, E extends DomainEvent>(
  collection: Collection<D>,
  projection: Projection<D, E>,
  events: readonly RecordedEvent<E>[],
  bulkChunk: number,
  memory?: ReplayMemory<D>,
  poisoned?: PoisonSink,
): Promise<number> {
  const ids = [...new Set(events.map((e) => projection.documentId(e.event)))];
  const current = await currentDocs(collection, ids, memory);
  const stored = new Set(current.keys()); // taken before the fold adds new documents to `current`

  const { dirty, applied } = foldEvents(projection, current, events, poisoned);
  if (dirty.size === 0) return 0;
  await writeChangedDocs(collection, new Map([...dirty].map((id) => [id, current.get(id)!])), stored, bulkChunk, memory);
  return applied;
}
