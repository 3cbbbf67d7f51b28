import { Collection, Db } from 'mongodb';

interface RegistryDoc {
  _id: string;
  active: number;
  /** The highest version ever created, so that version numbers are never reused. */
  latest: number;
}

/** Which collection version of each projection readers use; replay switches it. */
export class ProjectionRegistry {
  private readonly collection: Collection<RegistryDoc>;

  constructor(db: Db) {
    this.collection = db.collection<RegistryDoc>('projection_versions');
  }

  async active(name: string): Promise<number> {
    const doc = await this.collection.findOne({ _id: name });
    return doc?.active ?? 1;
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
