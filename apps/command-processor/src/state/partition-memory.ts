import { FencePosition } from '@app/contracts';
import { initialUserKeysState } from '@app/domain';
import { PartitionWriter } from '../fencing/partition-writer';
import { SnapshotStore, UserSnapshot } from './ports';

/**
 * The newest state of each user of one partition, as decided by the partition's batch loop, and
 * the states not yet written. Only that loop calls `load` and `stage`; asynchronous completions
 * (snapshot writes, a load finishing late) never replace an entry, so memory only moves forward.
 * Eviction detaches the whole object: work still holding it can no longer reach the live one.
 */
export class PartitionMemory {
  private readonly current = new Map<string, UserSnapshot>();
  private staged = new Map<string, UserSnapshot>();
  /** Every event of the partition at or below this offset is folded into `current`. */
  private folded = -1;
  /** The fence position at `folded` (what a checkpoint through it must carry). */
  private fence: FencePosition | null = null;
  private detachedFlag = false;
  /** This process as the partition's writer, once catch-up has appended its marker and passed it. */
  writer: PartitionWriter | undefined;

  constructor(
    readonly partition: number,
    private readonly store: SnapshotStore,
  ) {}

  get detached(): boolean {
    return this.detachedFlag;
  }

  get foldedThrough(): number {
    return this.folded;
  }

  get stagedCount(): number {
    return this.staged.size;
  }

  /** The users' newest states: from memory, else from the store, else empty. */
  async load(userIds: readonly string[]): Promise<Map<string, UserSnapshot>> {
    const missing = [...new Set(userIds)].filter((id) => !this.current.has(id));
    if (missing.length > 0) {
      const stored = await this.store.load(missing);
      // Only absent entries are filled: whatever memory has is at least as new as the store.
      for (const id of missing) if (!this.current.has(id)) this.current.set(id, stored.get(id) ?? { state: initialUserKeysState(), lastOffset: -1 });
    }
    return new Map(userIds.map((id) => [id, this.current.get(id)!]));
  }

  /**
   * New states decided or folded from the log, current at once and written by a later flush.
   * `through` is the last offset of the partition now folded in (events of other users included).
   */
  stage(snapshots: ReadonlyMap<string, UserSnapshot>, through: number): void {
    for (const [id, snapshot] of snapshots) {
      const previous = this.current.get(id);
      if (previous && snapshot.lastOffset < previous.lastOffset) {
        throw new Error(`state of ${id} would go back from offset ${previous.lastOffset} to ${snapshot.lastOffset}`);
      }
    }
    for (const [id, snapshot] of snapshots) {
      this.current.set(id, snapshot);
      this.staged.set(id, snapshot);
    }
    this.folded = Math.max(this.folded, through);
  }

  /** Catch-up passed a fence marker: checkpoints from here on carry it. */
  moveFence(fence: FencePosition | null): void {
    this.fence = fence;
  }

  /** Hands the staged states to a flush, with the offset a checkpoint may name once they are written and the fence there. */
  takeStaged(): { snapshots: ReadonlyMap<string, UserSnapshot>; through: number; fence: FencePosition | null } {
    const snapshots = this.staged;
    this.staged = new Map();
    return { snapshots, through: this.folded, fence: this.fence };
  }

  /** A failed flush gives its states back, except where something newer is staged since. */
  restage(snapshots: ReadonlyMap<string, UserSnapshot>): void {
    for (const [id, snapshot] of snapshots) if (!this.staged.has(id)) this.staged.set(id, snapshot);
  }

  detach(): void {
    this.detachedFlag = true;
  }
}
