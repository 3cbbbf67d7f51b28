import { Inject, Injectable } from '@nestjs/common';

import { Document } from 'mongodb';
import { MatrixError } from '@app/matrix';

import { isInfrastructureError } from '@app/platform';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';

import { ReadBarrier } from '../read-barrier/read-barrier';

import { cachedPointRead } from './cached-point-read';

import { LogPositionedCache } from './log-positioned-cache';

import { ReadModelStore } from './read-model-store';

/**
 * The per-user documents of a replace-per-event projection (`_id` = user id) as of now: from this
 * process's exact copies where they answer, else point reads once the projection has applied
 * everything in the users' partitions (read-your-writes).
 */
@Injectable()
export class PerUserReads {
  constructor(
    private readonly store: ReadModelStore,
    private readonly barrier: ReadBarrier,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  async read<D extends Document>(projection: string, cache: LogPositionedCache<D>, userIds: readonly string[]): Promise<Map<string, D | null>> {
    try {
      const version = await this.store.activeVersion(projection);
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
          return { docs: await (await this.store.buckets<D>(projection, version)).byIds(misses), exact };
        },
      });
    } catch (err) {
      if (isInfrastructureError(err)) throw MatrixError.unavailable('The key store is temporarily unavailable', 2);
      throw err;
    }
  }
}
