import { Env, wholeNumberSetting } from '@app/contracts';

/** How projections are laid out and written; read by the projector and by `replay` alike. */
export interface ProjectionSettings {
  /** PROJECTION_BUCKETS: collections a new version is spread over (buckets.ts). */
  readonly buckets: number;
  /** PROJECTION_BUCKET_WRITERS: buckets one batch writes at once (FerretDB's pool has 100). */
  readonly bucketWriters: number;
  /** REPLAY_MEMORY_ENTRIES: documents a replay keeps in memory (replay-memory.ts). */
  readonly replayMemoryEntries: number;
}

export function projectionSettingsFromEnv(env: Env): ProjectionSettings {
  return {
    buckets: wholeNumberSetting(env, 'PROJECTION_BUCKETS', 64, { min: 1, meaning: 'collections' }),
    bucketWriters: wholeNumberSetting(env, 'PROJECTION_BUCKET_WRITERS', 4, { min: 1, meaning: 'buckets' }),
    replayMemoryEntries: wholeNumberSetting(env, 'REPLAY_MEMORY_ENTRIES', 500_000, { min: 0, meaning: 'documents' }),
  };
}
