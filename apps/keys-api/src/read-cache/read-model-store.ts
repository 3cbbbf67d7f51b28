import { Inject, Injectable } from '@nestjs/common';
import { Collection, Db, Document } from 'mongodb';
import { MONGO_DB } from '@app/platform';
import { ProjectionBuckets, ProjectionRegistry, collectionName } from '@app/read-models';

/**
 * The read models as this API reads them: which version of a projection is active (cached
 * briefly: replay switches versions) and that version's documents. Every reader goes through it.
 */
@Injectable()
export class ReadModelStore {
  private readonly registry: ProjectionRegistry;

  constructor(@Inject(MONGO_DB) readonly db: Db) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  activeVersion(projection: string): Promise<number> {
    return this.registry.active(projection);
  }

  collection<D extends Document>(projection: string, version: number): Collection<D> {
    return this.db.collection<D>(collectionName(projection, version));
  }

  buckets<D extends Document>(projection: string, version: number): Promise<ProjectionBuckets<D>> {
    return ProjectionBuckets.forReading<D>(this.db, projection, version);
  }
}
