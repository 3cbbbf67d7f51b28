import { Env } from '@app/contracts';
import { mongoSettingsFromEnv } from '@app/mongo';
import { ServiceSettings, serviceSettingsFromEnv } from '@app/platform';
import { ProjectionSettings, WriteTuning, projectionSettingsFromEnv } from '@app/read-models';

export const PROJECTOR_SETTINGS = Symbol('PROJECTOR_SETTINGS');

/** Everything the projector reads from the environment (Kafka and MongoDB settings aside). */
export interface ProjectorSettings {
  readonly service: ServiceSettings;
  readonly projection: ProjectionSettings;
  readonly tuning: WriteTuning;
}

export function projectorSettingsFromEnv(env: Env): ProjectorSettings {
  const projection = projectionSettingsFromEnv(env);
  return {
    service: serviceSettingsFromEnv(env, 8082),
    projection,
    tuning: { bulkChunk: mongoSettingsFromEnv(env).bulkChunk, bucketWriters: projection.bucketWriters },
  };
}
