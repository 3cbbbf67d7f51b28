import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { MatrixError } from '@app/matrix';
import { MONGO_DB, isInfrastructureError } from '@app/platform';
import { CrossSigningKeysDoc, ProjectionBuckets, ProjectionRegistry, crossSigningDocsById, crossSigningKeysProjection } from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { cachedPointRead } from '../read-cache/cached-point-read';
import { ReadCaches } from '../read-cache/read-caches';
import { ReadBarrier } from '../read-barrier/read-barrier';

/** Users' cross-signing documents (keys and the signatures they made), after the read barrier. */
@Injectable()
export class CrossSigningKeysReader {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly barrier: ReadBarrier,
    private readonly caches: ReadCaches,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async read(userIds: readonly string[]): Promise<CrossSigningKeysDoc[]> {
    try {
      const name = crossSigningKeysProjection.name;
      const version = await this.registry.active(name);
      this.caches.crossSigning.useVersion(version);
      const targets = await this.barrier.targetsForUsers(userIds);
      const docs = await cachedPointRead({
        cache: this.caches.crossSigning,
        ids: userIds,
        partitionOf: (id) => this.barrier.partitionOf(id),
        targets,
        waitMs: this.settings.readBarrierTimeoutMs,
        load: async (misses) => {
          const exact = await this.barrier.waitForTargets(name, version, targets);
          return { docs: await crossSigningDocsById(await ProjectionBuckets.forReading<CrossSigningKeysDoc>(this.db, name, version), misses), exact };
        },
      });
      return [...docs.values()].filter((doc): doc is CrossSigningKeysDoc => doc !== null && !doc.deleted);
    } catch (err) {
      if (isInfrastructureError(err)) throw MatrixError.unavailable('The key store is temporarily unavailable', 2);
      throw err;
    }
  }
}
