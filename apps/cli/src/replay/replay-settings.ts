import { Env } from '@app/contracts';
import { mongoSettingsFromEnv } from '@app/mongo';
import { ProjectionSettings, WriteTuning, projectionSettingsFromEnv } from '@app/read-models';

/** What `replay` reads from the environment: the projector's layout and write settings. */
export interface ReplaySettings {
  readonly projection: ProjectionSettings;
  readonly tuning: WriteTuning;
}

/** The default reads this process's environment (tests set it around a replay). */
export function replaySettingsFromEnv(env: Env = process.env): ReplaySettings {
  const projection = projectionSettingsFromEnv(env);
  return { projection, tuning: { bulkChunk: mongoSettingsFromEnv(env).bulkChunk, bucketWriters: projection.bucketWriters } };
}
