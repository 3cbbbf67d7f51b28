import { Collection, Db, MongoBulkWriteError } from 'mongodb';
import { UserKeysState } from '@app/domain';
import { decodeFencePosition, encodeFencePosition, FencePosition } from '@app/contracts';
import { CheckpointStore, bulkWriteChunked, fnv1a } from '@app/mongo';
import { PartitionCheckpoints, ProcessorCheckpoint, SnapshotStore, UserSnapshot } from './ports';

interface SnapshotDoc {
  _id: string;
  partition: number;
  lastOffset: number;
  /** The state as JSON: user and device ids are keys in it, which field names must never be. */
  state: string;
  /** The layout of `state` (absent in snapshots written before it was recorded: those are version 1). */
  schemaVersion?: number;
}

/**
 * The layout of UserKeysState this code writes and reads (libs/domain/src/user-keys/fixtures pins
 * it). A change of layout bumps it, and loading refuses other versions instead of deciding on a
 * state it misreads: an upcaster then, or the snapshots dropped (catch-up rebuilds them from the log).
 */
export const SNAPSHOT_SCHEMA_VERSION = 1;

function stateOf(doc: SnapshotDoc): UserKeysState {
  const version = doc.schemaVersion ?? 1;
  if (version !== SNAPSHOT_SCHEMA_VERSION) {
    throw new Error(`snapshot of ${doc._id} has schema version ${version}; this processor reads ${SNAPSHOT_SCHEMA_VERSION}`);
  }
  return JSON.parse(doc.state) as UserKeysState;
}

/**
 * One document per user, spread over `buckets` collections by a hash of the user id (on
 * FerretDB/SQLite without a usable index, small collections keep scans small; on MongoDB one
 * bucket is the natural choice). Reads and writes are by `_id` only.
 */
export class MongoSnapshotStore implements SnapshotStore {
  private readonly buckets: Collection<SnapshotDoc>[];
  /** Users known to have a document: the others are inserted, which is cheaper than an upsert on FerretDB. */
  private readonly stored = new Set<string>();

  constructor(
    private readonly db: Db,
    buckets: number,
    /** Statements per bulk write (MONGODB_BULK_CHUNK). */
    private readonly bulkChunk: number,
  ) {
    if (!Number.isInteger(buckets) || buckets < 1) throw new Error('SNAPSHOT_BUCKETS must be a positive integer');
    const name = (b: number) => (buckets === 1 ? 'processor_user_state' : `processor_user_state_b${b}`);
    this.buckets = Array.from({ length: buckets }, (_, b) => db.collection<SnapshotDoc>(name(b)));
  }

  async ensureIndexes(): Promise<void> {
    // Snapshots are found by bucket: another bucket count would miss them and decide on empty states.
    const settings = this.db.collection<{ _id: string; buckets: number }>('processor_settings');
    const recorded = await settings.findOne({ _id: 'snapshot-buckets' });
    if (recorded && recorded.buckets !== this.buckets.length) {
      throw new Error(`SNAPSHOT_BUCKETS is ${this.buckets.length} but this database was written with ${recorded.buckets}`);
    }
    if (!recorded) await settings.insertOne({ _id: 'snapshot-buckets', buckets: this.buckets.length }).catch(() => undefined);
  }

  private bucketOf(userId: string): Collection<SnapshotDoc> {
    return this.buckets[fnv1a(userId) % this.buckets.length];
  }

  async load(userIds: readonly string[]): Promise<Map<string, UserSnapshot>> {
    // Point reads side by side: `$in` is decoded over the whole collection on FerretDB.
    const docs = await Promise.all([...new Set(userIds)].map((id) => this.bucketOf(id).findOne({ _id: id })));
    const found = new Map<string, UserSnapshot>();
    for (const doc of docs) {
      if (!doc) continue;
      this.stored.add(doc._id);
      found.set(doc._id, { state: stateOf(doc), lastOffset: doc.lastOffset });
    }
    return found;
  }

  async write(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void> {
    // Serialised now, before any await: what is written is what the caller handed over.
    const docs = [...snapshots].map(([id, s]): SnapshotDoc => ({
      _id: id,
      partition,
      lastOffset: s.lastOffset,
      state: JSON.stringify(s.state),
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    }));
    const byBucket = new Map<Collection<SnapshotDoc>, SnapshotDoc[]>();
    for (const doc of docs) {
      const bucket = this.bucketOf(doc._id);
      const group = byBucket.get(bucket);
      if (group) group.push(doc);
      else byBucket.set(bucket, [doc]);
    }
    for (const [bucket, group] of byBucket) {
      const fresh = group.filter((d) => !this.stored.has(d._id));
      const replace = group.filter((d) => this.stored.has(d._id));
      if (fresh.length > 0) {
        try {
          await bucket.insertMany(fresh, { ordered: false });
        } catch (err) {
          // An earlier owner of the partition wrote a snapshot first: replace those.
          if (!onlyDuplicateKeys(err)) throw err;
          for (const e of writeErrorsOf(err as MongoBulkWriteError)) replace.push(fresh[e.index]);
        }
      }
      // Guarded by position: a previous owner's late write (or this one's, overtaken) cannot put an
      // older state over a newer one; its upsert then fails as a duplicate key, which is that refusal.
      const guarded = replace.map((d) => ({ replaceOne: { filter: { _id: d._id, lastOffset: { $lt: d.lastOffset } }, replacement: d, upsert: true } }));
      await bulkWriteChunked(bucket, guarded, { ordered: false }, this.bulkChunk, (err) => {
        if (!onlyDuplicateKeys(err)) throw err;
      });
      for (const d of group) this.stored.add(d._id);
    }
  }
}

function writeErrorsOf(err: MongoBulkWriteError): readonly { code?: number; index: number }[] {
  const errors = err.writeErrors;
  return Array.isArray(errors) ? errors : [errors as { code?: number; index: number }];
}

function onlyDuplicateKeys(err: unknown): boolean {
  return err instanceof MongoBulkWriteError && writeErrorsOf(err).every((e) => e.code === 11000);
}

/** The processor's checkpoints, next to its snapshots. */
export class MongoPartitionCheckpoints implements PartitionCheckpoints {
  private readonly store: CheckpointStore;

  constructor(
    db: Db,
    private readonly owner: string,
    partitions: number,
  ) {
    this.store = new CheckpointStore(db, partitions);
  }

  async load(partition: number): Promise<ProcessorCheckpoint | undefined> {
    const saved = await this.store.loadEntry(this.owner, partition);
    return saved === undefined ? undefined : { offset: Number(saved.position), fence: decodeFencePosition(saved.fence) };
  }

  save(partition: number, offset: number, fence: FencePosition | null): Promise<void> {
    return this.store.save(this.owner, partition, String(offset), fence ? encodeFencePosition(fence) : undefined);
  }
}
