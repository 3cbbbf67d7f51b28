/** The shape of one simulated run; SIM_OPTIONS (JSON) overrides any of them. */
export interface SimulationOptions {
  /** Scheduler steps before the run settles (each releases an operation or starts something). */
  readonly steps: number;
  readonly partitions: number;
  readonly users: number;
  /** Chance that a released operation fails (half of failed writes land anyway). */
  readonly failureRate: number;
  /** Chance that an operation is held far longer than the others (a late write, a slow read). */
  readonly lateRate: number;
  readonly snapshotIntervalMs: number;
  /** See ClusterOptions.fenceStaleWrites: off, the zombie-fencing gap is explored too. */
  readonly fenceStaleWrites: boolean;
  /** The snapshot store refuses a snapshot not newer than the stored one, as MongoSnapshotStore does; false: as it did before. */
  readonly refuseOlderSnapshots: boolean;
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  steps: 250,
  partitions: 2,
  users: 3,
  failureRate: 0.08,
  lateRate: 0.1,
  snapshotIntervalMs: 100,
  fenceStaleWrites: true,
  refuseOlderSnapshots: true,
};
