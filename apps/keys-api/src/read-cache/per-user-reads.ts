import { Inject, Injectable } from '@nestjs/common';
import { Db, Document } from 'mongodb';
import { MatrixError } from '@app/matrix';
import { MONGO_DB, isInfrastructureError } from '@app/platform';
import { ProjectionBuckets, ProjectionRegistry } from '@app/read-models';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { ReadBarrier } from '../read-barrier/read-barrier';
import { cachedPointRead } from './cached-point-read';
import { LogPositionedCache } from './log-positioned-cache';

/**
 * The per-user documents of a replace-per-event projection (`_id` = user id) as of now: from this
 * process's exact copies where they answer, else point reads once the projection has applied
 * everything in the users' partitions (read-your-writes).
 */
@Injectable()
export class PerUserReads {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly barrier: ReadBarrier,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async read<D extends Document>(projection: string, cache: LogPositionedCache<D>, userIds: readonly string[]): Promise<Map<string, D | null>> {
    try {
      const version = await this.registry.active(projection);
      cache.useVersion(version);
      const targets = await this.barrier.targetsForUsers(userIds);
      return await cachedPointRead({
        cache,
        ids: userIds,
        partitionOf: (id) => this.barrier.partitionOf(id),
        targets,
        waitMs: this.settings.readBarrierTimeoutMs,
        load: async (misses) => {
          const exact = await this.barrier.waitForTargets(projection, version, targets);
          return { docs: await (await ProjectionBuckets.forReading<D>(this.db, projection, version)).byIds(misses), exact };
        },
      });
    } catch (err) {
      if (isInfrastructureError(err)) throw MatrixError.unavailable('The key store is temporarily unavailable', 2);
      throw err;
    }
  }
}
