import { Collection, Db, MongoBulkWriteError } from 'mongodb';
import { UserKeysState, initialUserKeysState } from '@app/domain';
import { bulkWriteChunked, fnv1a } from '@app/mongo';

interface SnapshotDoc {
  _id: string;
  partition: number;
  /** Offset in e2ee.events of the last event folded into `state`; -1 before any. */
  lastOffset: number;
  /** The state as JSON: user and device ids are keys in it, which field names must never be. */
  state: string;
}

export interface UserSnapshot {
  readonly state: UserKeysState;
  readonly lastOffset: number;
}

/**
 * The command-processor's own projection of e2ee.events: one snapshot per user, cached in
 * memory for the partitions this process owns and saved to MongoDB after every batch.
 */
export class UserStateStore {
  private readonly buckets: Collection<SnapshotDoc>[];
  private readonly cache = new Map<string, UserSnapshot>();
  private readonly dirty = new Map<number, Map<string, UserSnapshot>>();
  private readonly lastFlush = new Map<number, number>();
  private readonly flushing = new Map<number, Promise<boolean>>();
  /** Users known to have a snapshot document: the others are inserted, not replaced. */
  private readonly stored = new Set<string>();

  /**
   * Snapshots are spread over `buckets` collections by a hash of the user id: on FerretDB/SQLite
   * every replace and every non-`_id` query scans its whole collection, so small collections keep
   * those costs small. On MongoDB one bucket (SNAPSHOT_BUCKETS=1) is the natural choice.
   */
  constructor(
    private readonly db: Db,
    buckets = 1,
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
    for (const bucket of this.buckets) await bucket.createIndex({ partition: 1 });
  }

  private bucketOf(userId: string): Collection<SnapshotDoc> {
    return this.buckets[fnv1a(userId) % this.buckets.length];
  }

  private byBucket<T>(entries: Iterable<[string, T]>): Map<Collection<SnapshotDoc>, [string, T][]> {
    const grouped = new Map<Collection<SnapshotDoc>, [string, T][]>();
    for (const entry of entries) {
      const bucket = this.bucketOf(entry[0]);
      if (!grouped.has(bucket)) grouped.set(bucket, []);
      grouped.get(bucket)!.push(entry);
    }
    return grouped;
  }

  async load(userIds: Iterable<string>): Promise<Map<string, UserSnapshot>> {
    const result = new Map<string, UserSnapshot>();
    const missing: string[] = [];
    for (const id of new Set(userIds)) {
      const cached = this.cache.get(id);
      if (cached) result.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const groups = [...this.byBucket(missing.map((id) => [id, null] as [string, null]))];
      const docs = (await Promise.all(groups.map(([bucket, ids]) => bucket.find({ _id: { $in: ids.map(([id]) => id) } }).toArray()))).flat();
      const found = new Map(docs.map((d) => [d._id, { state: JSON.parse(d.state) as UserKeysState, lastOffset: d.lastOffset }]));
      for (const id of found.keys()) this.stored.add(id);
      for (const id of missing) {
        const snapshot = found.get(id) ?? { state: initialUserKeysState(), lastOffset: -1 };
        this.cache.set(id, snapshot);
        result.set(id, snapshot);
      }
    }
    return result;
  }

  /**
   * Makes new states current in memory and durable in MongoDB. A user's first snapshot is an
   * insert: on FerretDB/SQLite every replace scans the whole collection, an insert does not.
   */
  async save(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void> {
    if (snapshots.size === 0) return;
    const doc = (id: string, s: UserSnapshot): SnapshotDoc => ({ _id: id, partition, lastOffset: s.lastOffset, state: JSON.stringify(s.state) });
    for (const [bucket, entries] of this.byBucket(snapshots)) {
      const fresh = entries.filter(([id]) => !this.stored.has(id));
      const replace = new Map(entries.filter(([id]) => this.stored.has(id)));
      if (fresh.length > 0) {
        try {
          await bucket.insertMany(fresh.map(([id, s]) => doc(id, s)), { ordered: false });
        } catch (err) {
          // Someone (an earlier owner of the partition) wrote a snapshot first: replace those.
          if (!(err instanceof MongoBulkWriteError)) throw err;
          const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
          if (!errors.every((e) => e.code === 11000)) throw err;
          for (const e of errors) replace.set(fresh[e.index][0], fresh[e.index][1]);
        }
      }
      await bulkWriteChunked(
        bucket,
        [...replace].map(([id, s]) => ({
          // (A stale owner's late flush is harmless: catch-up skips what a snapshot already has.)
          replaceOne: { filter: { _id: id }, replacement: doc(id, s), upsert: true },
        })),
        { ordered: false },
      );
    }
    for (const [id, s] of snapshots) {
      this.stored.add(id);
      this.cache.set(id, s);
    }
  }

  /**
   * Makes new states current in memory now and durable later (`flushDue`). Their events are
   * already in the log, so a crash before the flush only means a longer catch-up.
   */
  stage(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): void {
    const dirty = this.dirty.get(partition) ?? new Map<string, UserSnapshot>();
    for (const [id, s] of snapshots) {
      this.cache.set(id, s);
      dirty.set(id, s);
    }
    this.dirty.set(partition, dirty);
  }

  /**
   * Writes a partition's staged snapshots, then its checkpoint, when the last flush is older than
   * `intervalMs` or many users are waiting. Returns whether it flushed.
   */
  flushDue(partition: number, checkpoint: (offset: number) => Promise<void>, intervalMs: number, force = false): Promise<boolean> {
    // One flush at a time per partition: a checkpoint must never pass a snapshot still being written.
    const previous = this.flushing.get(partition) ?? Promise.resolve(false);
    const next = previous.catch(() => false).then(() => this.flushNow(partition, checkpoint, intervalMs, force));
    this.flushing.set(partition, next);
    return next;
  }

  private async flushNow(partition: number, checkpoint: (offset: number) => Promise<void>, intervalMs: number, force: boolean): Promise<boolean> {
    const dirty = this.dirty.get(partition);
    if (!dirty || dirty.size === 0) return false;
    const last = this.lastFlush.get(partition) ?? 0;
    if (!force && Date.now() - last < intervalMs && dirty.size < 256) return false;
    this.dirty.delete(partition);
    try {
      await this.save(partition, dirty);
      await checkpoint(Math.max(...[...dirty.values()].map((s) => s.lastOffset)));
    } catch (err) {
      // Put them back (unless staged again since): no later checkpoint may pass them unwritten.
      const current = this.dirty.get(partition) ?? new Map<string, UserSnapshot>();
      for (const [id, snapshot] of dirty) if (!current.has(id)) current.set(id, snapshot);
      this.dirty.set(partition, current);
      throw err;
    }
    this.lastFlush.set(partition, Date.now());
    return true;
  }

  partitionsWithStagedWork(): number[] {
    return [...this.dirty].filter(([, d]) => d.size > 0).map(([p]) => p);
  }

  /** Forgets cached and staged states, e.g. of a partition another member may now decide on. */
  evict(predicate: (userId: string) => boolean): void {
    for (const id of [...this.cache.keys()]) if (predicate(id)) this.cache.delete(id);
    for (const dirty of this.dirty.values()) for (const id of [...dirty.keys()]) if (predicate(id)) dirty.delete(id);
  }
}
