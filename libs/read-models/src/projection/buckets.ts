import { Collection, Db, Document } from 'mongodb';
import { fnv1a } from '@app/mongo';
import { collectionName } from './projection';

interface LayoutDoc {
  _id: string;
  buckets: number;
}

/**
 * One version of a projection, spread over `count` collections by a hash of a key (the user id).
 * On FerretDB 1.24 (SQLite) every replace, and every query other than `{_id}`, costs time in
 * proportion to its collection's size (docs/architecture.md), so small collections keep the cost
 * of each write and read small as the store grows. On MongoDB one bucket is the natural choice.
 * The count is recorded per version when it is first written and never changes; a replay into
 * a new version is how it changes.
 */
export class ProjectionBuckets<D extends Document = Document> {
  private constructor(
    readonly name: string,
    readonly collections: readonly Collection<D>[],
  ) {}

  static of<D extends Document = Document>(db: Db, projection: string, version: number, count: number): ProjectionBuckets<D> {
    const name = collectionName(projection, version);
    const collections = Array.from({ length: count }, (_, b) => db.collection<D>(count === 1 ? name : `${name}_b${b}`));
    return new ProjectionBuckets<D>(name, collections);
  }

  /** For writers: the recorded count, or `wanted` recorded now if this version has none yet. */
  static async forWriting<D extends Document = Document>(db: Db, projection: string, version: number, wanted: number): Promise<ProjectionBuckets<D>> {
    const layouts = db.collection<LayoutDoc>('projection_layouts');
    const id = collectionName(projection, version);
    const recorded = await layouts.findOne({ _id: id });
    if (recorded) return ProjectionBuckets.of<D>(db, projection, version, recorded.buckets);
    // Two writers may race here; both offered the same count, and the loser reads the winner's.
    await layouts.insertOne({ _id: id, buckets: wanted }).catch(() => undefined);
    const settled = await layouts.findOne({ _id: id });
    return ProjectionBuckets.of<D>(db, projection, version, settled?.buckets ?? wanted);
  }

  /**
   * For readers: the recorded count. A version nobody wrote yet is empty whatever the count, so
   * `unrecorded` (the reader's PROJECTION_BUCKETS, if it has one) only names its collections.
   */
  static async forReading<D extends Document = Document>(db: Db, projection: string, version: number, unrecorded = 1): Promise<ProjectionBuckets<D>> {
    const key = `${db.databaseName}/${collectionName(projection, version)}`;
    const known = readerCache.get(key);
    if (known) return ProjectionBuckets.of<D>(db, projection, version, known);
    const recorded = await db.collection<LayoutDoc>('projection_layouts').findOne({ _id: collectionName(projection, version) });
    if (!recorded) return ProjectionBuckets.of<D>(db, projection, version, unrecorded);
    readerCache.set(key, recorded.buckets); // a version's layout never changes
    return ProjectionBuckets.of<D>(db, projection, version, recorded.buckets);
  }

  get count(): number {
    return this.collections.length;
  }

  of(key: string): Collection<D> {
    return this.collections[fnv1a(key) % this.collections.length];
  }

  /**
   * Documents whose `_id` is also their bucket key (one per user): point reads side by side;
   * absent ones map to null.
   */
  async byIds(ids: readonly string[]): Promise<Map<string, D | null>> {
    const unique = [...new Set(ids)];
    const docs = await Promise.all(unique.map((id) => this.of(id).findOne({ _id: id } as never)));
    return new Map(unique.map((id, i) => [id, (docs[i] as D | null) ?? null]));
  }

  /** The only collection of a single-bucket projection (the projections that write their own way). */
  single(): Collection<D> {
    if (this.collections.length !== 1) throw new Error(`${this.name} has ${this.collections.length} buckets, expected 1`);
    return this.collections[0];
  }

  /** Items grouped by the bucket their key hashes to. */
  group<T>(items: Iterable<T>, keyOf: (item: T) => string): [Collection<D>, T[]][] {
    const grouped = new Map<Collection<D>, T[]>();
    for (const item of items) {
      const bucket = this.of(keyOf(item));
      const list = grouped.get(bucket);
      if (list) list.push(item);
      else grouped.set(bucket, [item]);
    }
    return [...grouped];
  }

  async countDocuments(): Promise<number> {
    const counts = await Promise.all(this.collections.map((c) => c.countDocuments()));
    return counts.reduce((a, b) => a + b, 0);
  }

  async createIndexes(indexes: readonly Record<string, 1 | -1>[]): Promise<void> {
    for (const collection of this.collections) for (const index of indexes) await collection.createIndex(index);
  }

  async drop(): Promise<void> {
    for (const collection of this.collections) await collection.drop().catch(() => undefined);
    await this.collections[0].db.collection<LayoutDoc>('projection_layouts').deleteOne({ _id: this.name });
  }
}

const readerCache = new Map<string, number>();
