import { Collection, Db, Document } from 'mongodb';
import { DomainEvent, DomainEventType, RecordedEvent } from '@app/contracts';
import { ReplayMemory } from './replay-memory';

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

/**
 * A declarative projection: which events it reads, which document an event touches, and the
 * pure evolve of that document. `null` from evolve deletes the document (as a tombstone).
 */
export interface Projection<D extends ProjectedDoc = ProjectedDoc> {
  readonly name: string;
  readonly handles: readonly DomainEventType[];
  documentId(event: DomainEvent): string;
  /** What picks the document's bucket (docs/architecture.md): the key its readers look it up by. */
  bucketKey(event: DomainEvent): string;
  evolve(doc: D | null, event: DomainEvent, meta: DocMeta): D | null;
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
}

/**
 * A projection that writes its own way (for example append-only rows, several per event).
 * `apply` must be idempotent: a batch is redelivered after a crash, and replay runs it again.
 * Returns how many events it applied.
 */
export interface CustomProjection {
  readonly name: string;
  readonly handles: readonly DomainEventType[];
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
