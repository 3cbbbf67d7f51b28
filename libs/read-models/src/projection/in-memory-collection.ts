import { Collection, Db } from 'mongodb';
import { ProjectionBuckets } from './buckets';

type Stored = { readonly _id: string; readonly _meta?: { readonly offset: number } };
type Replace<D> = { replaceOne: { filter: { _id: string; $or?: unknown[] }; replacement: D } };

/**
 * For specs: a collection in a map with only the calls the projection writer makes (point reads,
 * insertMany, bulkWrite of replaceOne), each logged as a line, so a spec can say which reads and
 * writes happened. Replaces honour the position guard (`$or` on `_meta.offset`) as the store does.
 */
export class InMemoryCollection<D extends Stored = Stored> {
  readonly docs = new Map<string, D>();
  readonly log: string[] = [];

  async findOne(filter: { _id: string }): Promise<D | null> {
    this.log.push(`find ${filter._id}`);
    return this.docs.get(filter._id) ?? null;
  }

  async insertMany(docs: D[]): Promise<void> {
    this.log.push(`insert ${docs.map((d) => d._id).join(',')}`);
    for (const doc of docs) {
      if (this.docs.has(doc._id)) throw new Error(`duplicate key ${doc._id}`);
      this.docs.set(doc._id, doc);
    }
  }

  async bulkWrite(ops: Replace<D>[]): Promise<void> {
    for (const { replaceOne } of ops) {
      const guarded = replaceOne.filter.$or !== undefined;
      this.log.push(`replace ${replaceOne.filter._id}${guarded ? ' guarded' : ''}`);
      const stored = this.docs.get(replaceOne.filter._id);
      if (!stored) continue; // a replace never inserts
      if (guarded && stored._meta && stored._meta.offset >= (replaceOne.replacement as Stored)._meta!.offset) continue;
      this.docs.set(replaceOne.filter._id, replaceOne.replacement);
    }
  }

  get collection(): Collection<D> {
    return this as unknown as Collection<D>;
  }
}

/** A projection's `count` buckets, each an InMemoryCollection (by collection name). */
export function inMemoryBuckets<D extends Stored>(
  count: number,
  name = 'spec',
): { buckets: ProjectionBuckets<D>; collections: Map<string, InMemoryCollection<D>> } {
  const collections = new Map<string, InMemoryCollection<D>>();
  const db = {
    collection: (collectionName: string) => {
      if (!collections.has(collectionName)) collections.set(collectionName, new InMemoryCollection<D>());
      return collections.get(collectionName)!.collection;
    },
  } as unknown as Db;
  return { buckets: ProjectionBuckets.of<D>(db, name, 1, count), collections };
}
