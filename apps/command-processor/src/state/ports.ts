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
  write(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void>;
}

/** The processor's position in each partition of e2ee.events: every event at or below it is in a stored snapshot. */
export interface PartitionCheckpoints {
  load(partition: number): Promise<number | undefined>;
  /** Only ever moves forward. */
  save(partition: number, offset: number): Promise<void>;
}
