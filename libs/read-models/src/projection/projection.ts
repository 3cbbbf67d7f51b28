import { Collection, Db, Document } from 'mongodb';
import { DomainEvent, RecordedEvent } from '@app/contracts';
import { ReplayMemory } from './replay-memory';
import { PoisonSink } from './poisoned-events';

/** Where a read-model document stands in the log; every write is guarded by it. */
export interface DocMeta {
  readonly partition: number;
  readonly offset: number;
}

export interface ProjectedDoc {
  readonly _id: string;
  readonly _meta: DocMeta;
  /** Tombstones keep their position so that an older, redelivered event cannot resurrect them. */
  readonly deleted?: boolean;
}

export type { EventOf } from '@app/contracts';

/** The key that picks an event's bucket: the projection's `bucketKey`, else the document id. */
export const bucketKeyOf = (projection: Pick<Projection, 'documentId' | 'bucketKey'>, event: DomainEvent): string =>
  (projection.bucketKey ?? projection.documentId)(event);

/** The one check that lets an event reach a projection's code typed to the events `E` it declares. */
export const isDeclaredBy = <E extends DomainEvent>(projection: { readonly handles: readonly E['type'][] }, event: DomainEvent): event is E =>
  (projection.handles as readonly string[]).includes(event.type);

/** The events of a batch that a projection declares, typed as such (the rest skipped). */
export const declaredEvents = <E extends DomainEvent>(
  projection: { readonly handles: readonly E['type'][] },
  events: readonly RecordedEvent[],
): RecordedEvent<E>[] => events.filter((e): e is RecordedEvent<E> => isDeclaredBy<E>(projection, e.event));

/**
 * A declarative projection: which events it reads, which document an event touches, and the
 * pure evolve of that document. `null` from evolve deletes the document (as a tombstone).
 * Typed to the events `E` it declares in `handles` (`EventOf<typeof HANDLES[number]>`), so evolve
 * lists no others: a case for an event it does not declare does not compile.
 */
export interface Projection<D extends ProjectedDoc = ProjectedDoc, E extends DomainEvent = DomainEvent> {
  readonly name: string;
  readonly handles: readonly E['type'][];
  /** Takes any event: readers (the keys-api's read caches) ask it of events they filter by `handles`. */
  documentId(event: DomainEvent): string;
  /** What picks the document's bucket (docs/architecture.md): the key its readers look it up by; the document id when absent. */
  bucketKey?(event: DomainEvent): string;
  evolve(doc: D | null, event: E, meta: DocMeta): D | null;
  readonly indexes: readonly Record<string, 1 | -1>[];
}

/** How a batch is written, from the caller's settings (the library reads no environment). */
export interface WriteTuning {
  /** Statements per bulk write (MONGODB_BULK_CHUNK). */
  readonly bulkChunk: number;
  /** Buckets written at once (PROJECTION_BUCKET_WRITERS); each holds up to bulkChunk statements open. */
  readonly bucketWriters: number;
}

/** Where a projection writes: its collection version, and whether a live runner (not replay) writes. */
export interface ProjectionContext {
  readonly db: Db;
  readonly version: number;
  readonly live: boolean;
  readonly tuning: WriteTuning;
  /** Only in a replay: what it wrote so far, instead of reading it back (replay-memory.ts). */
  readonly replayMemory?: ReplayMemory<unknown>;
  /**
   * Told of each event the projection's pure code threw on, which is then skipped (the live
   * runner dead-letters it). Custom projections report through it from their own fold.
   */
  readonly poisoned?: PoisonSink;
}

/**
 * A projection that writes its own way (for example append-only rows, several per event).
 * `apply` must be idempotent: a batch is redelivered after a crash, and replay runs it again.
 * It gets the whole batch (its first and last offsets date wake-up notices) and picks its own
 * events with `declaredEvents`. Returns how many events it applied.
 */
export interface CustomProjection<E extends DomainEvent = DomainEvent> {
  readonly name: string;
  readonly handles: readonly E['type'][];
  readonly indexes: readonly Record<string, 1 | -1>[];
  apply(collection: Collection<Document>, events: readonly RecordedEvent[], context: ProjectionContext): Promise<number>;
}

export type AnyProjection = Projection<never> | CustomProjection;

export const isCustomProjection = (projection: AnyProjection): projection is CustomProjection => 'apply' in projection;

/** The user an event is about: every document of the replace-per-event projections belongs to one. */
export const userOfEvent = (event: DomainEvent): string => (event.data as { userId: string }).userId;

export function collectionName(projection: string, version: number): string {
  return `rm_${projection.replace(/-/g, '_')}_v${version}`;
}

export function checkpointOwner(projection: string, version: number): string {
  return `projection:${projection}:v${version}`;
}

/** The projection whose checkpoints `owner` names (checkpointOwner's inverse), if it names one. */
export function checkpointedProjection(owner: string): string | undefined {
  return /^projection:(.+):v\d+$/.exec(owner)?.[1];
}

/** The live projector's consumer group for one collection version. */
export const projectorGroup = (projection: string, version: number): string => `e2ee.projector.${projection}.v${version}`;
