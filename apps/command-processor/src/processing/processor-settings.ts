import { Env, wholeNumberSetting } from '@app/contracts';
import { ServiceSettings, serviceSettingsFromEnv } from '@app/platform';

export const PROCESSOR_SETTINGS = Symbol('PROCESSOR_SETTINGS');

export interface ProcessorSettings {
  readonly service: ServiceSettings;
  /** Snapshots of a partition are written at most this often (its events are durable before). */
  readonly snapshotIntervalMs: number;
  readonly snapshotBuckets: number;
  /** Fault injection for tests: every snapshot write lands this late. 0 in production. */
  readonly snapshotWriteDelayMs: number;
}

export function processorSettingsFromEnv(env: Env): ProcessorSettings {
  return {
    service: serviceSettingsFromEnv(env, 8081),
    snapshotIntervalMs: wholeNumberSetting(env, 'SNAPSHOT_INTERVAL_MS', 1000, { min: 1, meaning: 'milliseconds' }),
    snapshotBuckets: wholeNumberSetting(env, 'SNAPSHOT_BUCKETS', 32, { min: 1, meaning: 'collections' }),
    snapshotWriteDelayMs: wholeNumberSetting(env, 'SNAPSHOT_WRITE_DELAY_MS', 0, { min: 0, meaning: 'milliseconds' }),
  };
}
