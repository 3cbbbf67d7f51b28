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
  /** See ClusterOptions.fenceStaleWrites: on, a previous owner's store writes end before another takes over (no longer needed: off). */
  readonly fenceStaleWrites: boolean;
  /** Whether a member's session may expire during a batch, leaving a stale writer running (ProcessorProcess.expired). */
  readonly sessionExpiries: boolean;
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
  fenceStaleWrites: false,
  refuseOlderSnapshots: true,
  sessionExpiries: true,
};
