import { Collection, Db } from 'mongodb';
import { ActiveVersionCache } from './active-version-cache';

interface RegistryDoc {
  _id: string;
  active: number;
  /** The highest version ever created, so that version numbers are never reused. */
  latest: number;
}

/**
 * Which collection version of each projection readers use; replay switches it. Readers may
 * cache the answer for `cacheMs` (a switch then reaches them that much later; both versions are
 * complete, so either answer is right).
 */
export class ProjectionRegistry {
  private readonly collection: Collection<RegistryDoc>;
  private readonly versions: ActiveVersionCache;

  constructor(db: Db, cacheMs = 0) {
    this.collection = db.collection<RegistryDoc>('projection_versions');
    this.versions = new ActiveVersionCache(async (name) => (await this.collection.findOne({ _id: name }))?.active ?? 1, cacheMs);
  }

  active(name: string): Promise<number> {
    return this.versions.active(name);
  }

  async allocateNext(name: string): Promise<number> {
    const doc = await this.collection.findOne({ _id: name });
    const next = Math.max(doc?.latest ?? 1, doc?.active ?? 1) + 1;
    await this.collection.replaceOne({ _id: name }, { active: doc?.active ?? 1, latest: next }, { upsert: true });
    return next;
  }

  async activate(name: string, version: number): Promise<void> {
    const doc = await this.collection.findOne({ _id: name });
    await this.collection.replaceOne({ _id: name }, { active: version, latest: Math.max(doc?.latest ?? 1, version) }, { upsert: true });
  }
}
