import { AnyBulkWriteOperation, Collection, Document, MongoBulkWriteError } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import { bulkWriteChunked } from '@app/mongo';
import { CustomProjection, DocMeta, declaredEvents } from '../projection/projection';
import { BACKUP_EVENTS, BackupDeletion, BackupDoc, BackupEvent, BackupUserDoc, backupUserDocId, foldUserBackup, idsToRead, pendingFor } from './backup-docs';

/**
 * One batch's writes, each by `_id` alone: `inserts` were absent when read, `replaces` were read
 * (or may exist), `deletes` remove. The position guard was applied in memory before (one writer
 * per partition reads, folds and writes): a position filter in the statement would make FerretDB
 * decode every document of the collection.
 */
export interface BackupWritePlan {
  readonly inserts: readonly BackupDoc[];
  readonly replaces: readonly BackupDoc[];
  readonly deletes: readonly string[];
}

/** Where the backups projection keeps its documents: point reads and writes by `_id`. */
export interface BackupDocStore {
  /** The stored documents with these ids (absent ones left out). */
  read(ids: readonly string[]): Promise<Map<string, BackupDoc>>;
  /** Deletes, then inserts (an insert that finds the document replaces it), then replaces (upserts). */
  write(plan: BackupWritePlan): Promise<void>;
}

/**
 * The writes of folded documents, guarded by position against what was read: a document read at or
 * past a put's position is left as it is, and one read past a deletion's position is kept.
 */
export function planWrites(read: ReadonlyMap<string, BackupDoc>, puts: readonly BackupDoc[], deletes: readonly BackupDeletion[]): BackupWritePlan {
  const newer = (id: string, meta: DocMeta, orEqual: boolean) => {
    const stored = read.get(id);
    if (!stored || stored._meta.partition !== meta.partition) return false;
    return orEqual ? stored._meta.offset >= meta.offset : stored._meta.offset > meta.offset;
  };
  const kept = puts.filter((doc) => !newer(doc._id, doc._meta, true));
  return {
    inserts: kept.filter((doc) => !read.has(doc._id)),
    replaces: kept.filter((doc) => read.has(doc._id)),
    deletes: deletes.filter((d) => !newer(d._id, d._meta, false)).map((d) => d._id),
  };
}

/**
 * Applies a batch: per user, the user document is read, the events at or below its position are
 * dropped (done before), the documents the rest touch are read by `_id` (all users at once), the
 * events are folded in log order (`foldUserBackup`), and each touched document is written once:
 * room and rooms documents first, user documents last, so a user document's position promises
 * that everything up to it is stored. A user's backup events all lie in one partition
 * (`backup:<user>` is their key), and one consumer applies a partition in order.
 * Returns how many events were applied.
 */
export async function applyBackupEvents(store: BackupDocStore, events: readonly RecordedEvent[]): Promise<number> {
  const byUser = new Map<string, RecordedEvent<BackupEvent>[]>();
  for (const recorded of declaredEvents<BackupEvent>({ handles: BACKUP_EVENTS }, events)) {
    const userId = recorded.event.data.userId;
    const list = byUser.get(userId);
    if (list) list.push(recorded);
    else byUser.set(userId, [recorded]);
  }
  if (byUser.size === 0) return 0;
  const users = await store.read([...byUser.keys()].map(backupUserDocId));
  const pending = [...byUser].map(([userId, list]) => {
    const user = (users.get(backupUserDocId(userId)) as BackupUserDoc | undefined) ?? null;
    return { userId, user, events: pendingFor(user, list) };
  });
  const loaded = await store.read(pending.flatMap((p) => idsToRead(p.userId, p.events)));
  const writes = pending.map((p) => foldUserBackup(p.userId, p.user, loaded, p.events));
  await store.write(
    planWrites(
      loaded,
      writes.flatMap((w) => w.puts),
      writes.flatMap((w) => w.deletes),
    ),
  );
  await store.write(
    planWrites(
      users,
      writes.flatMap((w) => (w.user ? [w.user] : [])),
      [],
    ),
  );
  return pending.reduce((n, p) => n + p.events.length, 0);
}

/** Point reads at once, at most this many in flight (FerretDB's connection pool has 100). */
const READS_IN_FLIGHT = 32;

/** The store port over one collection: every statement filters on `{_id}` alone. */
export function mongoBackupDocStore(collection: Collection<Document>, bulkChunk: number): BackupDocStore {
  const replace = (docs: readonly BackupDoc[]) =>
    bulkWriteChunked(
      collection,
      docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }) as unknown as AnyBulkWriteOperation<Document>),
      { ordered: false },
      bulkChunk,
    );
  return {
    async read(ids) {
      const found = new Map<string, BackupDoc>();
      const unique = [...new Set(ids)];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(READS_IN_FLIGHT, unique.length) }, async () => {
          while (next < unique.length) {
            const id = unique[next++];
            const doc = (await collection.findOne({ _id: id } as Document)) as BackupDoc | null;
            if (doc) found.set(id, doc);
          }
        }),
      );
      return found;
    },
    async write({ inserts, replaces, deletes }) {
      await bulkWriteChunked(
        collection,
        deletes.map((id) => ({ deleteOne: { filter: { _id: id } } }) as unknown as AnyBulkWriteOperation<Document>),
        { ordered: false },
        bulkChunk,
      );
      let existing: BackupDoc[] = [];
      if (inserts.length > 0) {
        try {
          await collection.insertMany(inserts as unknown as Document[], { ordered: false });
        } catch (err) {
          // Stored after all (a room emptied unread, then filled again): replaced instead.
          const errors = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) : [];
          if (errors.length === 0 || !errors.every((e) => e.code === 11000)) throw err;
          existing = errors.map((e) => inserts[e.index]);
        }
      }
      await replace([...existing, ...replaces]);
    },
  };
}

/**
 * Backups as their readers need them (docs/architecture.md, "Backups"): a user document (versions
 * with auth data, etag and count), a rooms document per (user, version) and a room document per
 * (user, version, room) with its sessions, every one reached by `_id`.
 */
export const backupsProjection: CustomProjection<BackupEvent> = {
  name: 'backups',
  handles: BACKUP_EVENTS,
  indexes: [],
  apply: (collection, events, context) => applyBackupEvents(mongoBackupDocStore(collection, context.tuning.bulkChunk), events),
};
