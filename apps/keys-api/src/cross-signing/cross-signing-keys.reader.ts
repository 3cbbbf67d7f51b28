import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { MatrixError } from '@app/matrix';
import { MONGO_DB, isInfrastructureError } from '@app/platform';
import { CrossSigningKeysDoc, ProjectionBuckets, ProjectionRegistry, crossSigningKeysOf, crossSigningKeysProjection } from '@app/read-models';
import { ReadBarrier } from '../read-barrier/read-barrier';

/** Users' cross-signing documents (keys and the signatures they made), after the read barrier. */
@Injectable()
export class CrossSigningKeysReader {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly barrier: ReadBarrier,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async read(userIds: readonly string[]): Promise<CrossSigningKeysDoc[]> {
    try {
      const version = await this.registry.active(crossSigningKeysProjection.name);
      await this.barrier.waitForUsers(crossSigningKeysProjection.name, version, [...userIds]);
      return await crossSigningKeysOf(await ProjectionBuckets.forReading<CrossSigningKeysDoc>(this.db, crossSigningKeysProjection.name, version), userIds);
    } catch (err) {
      if (isInfrastructureError(err)) throw MatrixError.unavailable('The key store is temporarily unavailable', 2);
      throw err;
    }
  }
}
