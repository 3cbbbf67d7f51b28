import { Collection, Db } from 'mongodb';
import { UserKeysState, initialUserKeysState } from '@app/domain';
import { bulkWriteChunked } from '@app/mongo';

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
  private readonly collection: Collection<SnapshotDoc>;
  private readonly cache = new Map<string, UserSnapshot>();

  constructor(db: Db) {
    this.collection = db.collection<SnapshotDoc>('processor_user_state');
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ partition: 1 });
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
      const docs = await this.collection.find({ _id: { $in: missing } }).toArray();
      const found = new Map(docs.map((d) => [d._id, { state: JSON.parse(d.state) as UserKeysState, lastOffset: d.lastOffset }]));
      for (const id of missing) {
        const snapshot = found.get(id) ?? { state: initialUserKeysState(), lastOffset: -1 };
        this.cache.set(id, snapshot);
        result.set(id, snapshot);
      }
    }
    return result;
  }

  /** Makes new states current in memory and durable in MongoDB. */
  async save(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void> {
    if (snapshots.size === 0) return;
    await bulkWriteChunked(
      this.collection,
      [...snapshots].map(([id, s]) => ({
        replaceOne: {
          filter: { _id: id },
          replacement: { _id: id, partition, lastOffset: s.lastOffset, state: JSON.stringify(s.state) },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    for (const [id, s] of snapshots) this.cache.set(id, s);
  }

  /** Forgets cached states, e.g. of a partition this process no longer owns. */
  evict(predicate: (userId: string) => boolean): void {
    for (const id of [...this.cache.keys()]) if (predicate(id)) this.cache.delete(id);
  }
}
