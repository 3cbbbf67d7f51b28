export const PROCESSOR_SETTINGS = Symbol('PROCESSOR_SETTINGS');

export interface ProcessorSettings {
  /** Snapshots of a partition are written at most this often (its events are durable before). */
  readonly snapshotIntervalMs: number;
  readonly snapshotBuckets: number;
  /** Fault injection for tests: every snapshot write lands this late. 0 in production. */
  readonly snapshotWriteDelayMs: number;
}

export function processorSettingsFromEnv(env: NodeJS.ProcessEnv): ProcessorSettings {
  return {
    snapshotIntervalMs: Number(env.SNAPSHOT_INTERVAL_MS ?? 1000),
    snapshotBuckets: Number(env.SNAPSHOT_BUCKETS ?? 32),
    snapshotWriteDelayMs: Number(env.SNAPSHOT_WRITE_DELAY_MS ?? 0),
  };
}
