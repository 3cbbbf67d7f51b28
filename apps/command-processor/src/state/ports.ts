import { FencePosition } from '@app/contracts';
import { UserKeysState } from '@app/domain';

/** A user's state and the offset in e2ee.events of the last event folded into it (-1 before any). */
export interface UserSnapshot {
  readonly state: UserKeysState;
  readonly lastOffset: number;
}

/** Where the processor keeps its snapshots durably (MongoDB in production). */
export interface SnapshotStore {
  /** The stored snapshots of those users that have one. */
  load(userIds: readonly string[]): Promise<Map<string, UserSnapshot>>;
  /** Leaves out a snapshot older than (or as old as) the stored one: the store never goes back, whoever writes. */
  write(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void>;
}

/** The processor's position in each partition of e2ee.events: every event at or below it is in a stored snapshot. */
export interface PartitionCheckpoints {
  load(partition: number): Promise<ProcessorCheckpoint | undefined>;
  /** Only ever moves forward (the fence with it: see writer-fence.ts). */
  save(partition: number, offset: number, fence: FencePosition | null): Promise<void>;
}

/** How far the processor's snapshots cover a partition, and the fence position catch-up resumes with. */
export interface ProcessorCheckpoint {
  readonly offset: number;
  readonly fence: FencePosition | null;
}
