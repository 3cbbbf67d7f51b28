import { Collection, Db, MongoBulkWriteError } from 'mongodb';
import { UserKeysState } from '@app/domain';
import { decodeFencePosition, encodeFencePosition, FencePosition } from '@app/contracts';
import { CheckpointStore, bulkWriteChunked, fnv1a } from '@app/mongo';
import { PartitionCheckpoints, ProcessorCheckpoint, SnapshotStore, UserSnapshot } from './ports';

interface SnapshotDoc {
  _id: string;
  partition: number;
  lastOffset: number;
  /** The state as JSON: user and device ids are keys in it, which field names must never be. Empty when in parts. */
  state: string;
  /** The layout of `state` (absent in snapshots written before it was recorded: those are version 1). */
  schemaVersion?: number;
  /** A state too large for one document is in this many part documents (`partId`), written before this one. */
  parts?: number;
}

/** One slice of a large state's JSON. */
interface PartDoc {
  _id: string;
  part: string;
}

/**
 * Characters of state JSON per document: at most 12 MB in UTF-8, under the 16 MB document limit.
 * (A user's backup aggregate ranks every session, about 150 bytes each: 100,000 sessions make 15 MB.)
 */
export const SNAPSHOT_PART_CHARS = 4_000_000;

/**
 * The id of part `i` of the snapshot of `key` at `lastOffset`. Keys are user and room ids (or
 * `backup:<user id>`), whose server name cannot hold `#`, so no key is ever a part id. The offset
 * in the id means a new snapshot never overwrites the parts the stored one points to.
 */
const partId = (key: string, lastOffset: number, i: number): string => `${key}#${lastOffset}#${i}`;

/**
 * The layout of UserKeysState this code writes and reads (libs/domain/src/user-keys/fixtures pins
 * it). A change of layout bumps it, and loading refuses other versions instead of deciding on a
 * state it misreads: an upcaster then, or the snapshots dropped (catch-up rebuilds them from the log).
 */
export const SNAPSHOT_SCHEMA_VERSION = 1;

function checkVersion(doc: SnapshotDoc): void {
  const version = doc.schemaVersion ?? 1;
  if (version !== SNAPSHOT_SCHEMA_VERSION) {
    throw new Error(`snapshot of ${doc._id} has schema version ${version}; this processor reads ${SNAPSHOT_SCHEMA_VERSION}`);
  }
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
  /** The parts this process last saw a key's snapshot point to: removed once a newer snapshot is written. */
  private readonly partsSeen = new Map<string, { lastOffset: number; parts: number }>();

  constructor(
    private readonly db: Db,
    buckets: number,
    /** Statements per bulk write (MONGODB_BULK_CHUNK). */
    private readonly bulkChunk: number,
    private readonly partChars = SNAPSHOT_PART_CHARS,
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
    await Promise.all(
      docs.map(async (doc) => {
        if (!doc) return;
        checkVersion(doc);
        this.stored.add(doc._id);
        const json = doc.parts ? await this.readParts(doc) : doc.state;
        found.set(doc._id, { state: JSON.parse(json) as UserKeysState, lastOffset: doc.lastOffset });
      }),
    );
    return found;
  }

  private async readParts(doc: SnapshotDoc): Promise<string> {
    const bucket = this.bucketOf(doc._id) as unknown as Collection<PartDoc>;
    const ids = Array.from({ length: doc.parts! }, (_, i) => partId(doc._id, doc.lastOffset, i));
    const parts = await Promise.all(ids.map((id) => bucket.findOne({ _id: id })));
    const missing = ids.filter((_, i) => !parts[i]);
    if (missing.length > 0) throw new Error(`snapshot of ${doc._id} at ${doc.lastOffset} lacks its parts ${missing.join(', ')}`);
    this.partsSeen.set(doc._id, { lastOffset: doc.lastOffset, parts: doc.parts! });
    return parts.map((p) => p!.part).join('');
  }

  async write(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void> {
    // Serialised now, before any await: what is written is what the caller handed over.
    const docs = [...snapshots].map(([id, s]) => ({
      _id: id,
      partition,
      lastOffset: s.lastOffset,
      state: JSON.stringify(s.state),
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    }));
    await this.writeWhole(docs.filter((d) => d.state.length <= this.partChars));
    for (const doc of docs.filter((d) => d.state.length > this.partChars)) await this.writeInParts(doc);
  }

  /** Snapshots that fit a document, in bulk per bucket. */
  private async writeWhole(docs: readonly SnapshotDoc[]): Promise<void> {
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
      const guarded = replace.map((d) => ({ replaceOne: { filter: guardOf(d), replacement: d, upsert: true } }));
      await bulkWriteChunked(bucket, guarded, { ordered: false }, this.bulkChunk, (err) => {
        if (!onlyDuplicateKeys(err)) throw err;
      });
      for (const d of group) {
        this.stored.add(d._id);
        await this.removeParts(d._id, d.lastOffset);
      }
    }
  }

  /**
   * A state larger than a document: its parts first, under ids that name its offset, then the
   * snapshot document that points to them, guarded like any other. Parts of the snapshot it
   * replaced are removed after; its own parts are removed if a newer snapshot refused it.
   */
  private async writeInParts(whole: SnapshotDoc): Promise<void> {
    const bucket = this.bucketOf(whole._id);
    const parts = bucket as unknown as Collection<PartDoc>;
    const count = Math.ceil(whole.state.length / this.partChars);
    for (let i = 0; i < count; i++) {
      const part = whole.state.slice(i * this.partChars, (i + 1) * this.partChars);
      await parts.replaceOne({ _id: partId(whole._id, whole.lastOffset, i) }, { part }, { upsert: true });
    }
    const doc: SnapshotDoc = { ...whole, state: '', parts: count };
    try {
      await bucket.replaceOne(guardOf(doc), doc, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Refused: the stored snapshot is newer, or at the same offset (then these very parts are its own).
      const stored = await bucket.findOne({ _id: doc._id });
      if (stored && stored.lastOffset !== doc.lastOffset) await this.deleteParts(doc._id, doc.lastOffset, count);
      return;
    }
    this.stored.add(doc._id);
    await this.removeParts(doc._id, doc.lastOffset);
    this.partsSeen.set(doc._id, { lastOffset: doc.lastOffset, parts: count });
  }

  /**
   * After a guarded write the stored snapshot of the key is at least as new as `writtenOffset`, so
   * the parts of an older snapshot this process saw are no longer pointed to by anyone.
   */
  private async removeParts(key: string, writtenOffset: number): Promise<void> {
    const seen = this.partsSeen.get(key);
    if (!seen || seen.lastOffset >= writtenOffset) return;
    this.partsSeen.delete(key);
    await this.deleteParts(key, seen.lastOffset, seen.parts);
  }

  private async deleteParts(key: string, lastOffset: number, count: number): Promise<void> {
    const parts = this.bucketOf(key) as unknown as Collection<PartDoc>;
    for (let i = 0; i < count; i++) await parts.deleteOne({ _id: partId(key, lastOffset, i) });
  }
}

/**
 * Guarded by position: a previous owner's late write (or this one's, overtaken) cannot put an older
 * state over a newer one; its upsert then fails as a duplicate key, which is that refusal.
 */
const guardOf = (doc: SnapshotDoc) => ({ _id: doc._id, lastOffset: { $lt: doc.lastOffset } });

const isDuplicateKey = (err: unknown): boolean => (err as { code?: number }).code === 11000;

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
