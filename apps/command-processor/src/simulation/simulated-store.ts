import { FencePosition } from '@app/contracts';
import { ProcessorCheckpoint, UserSnapshot } from '../state/ports';

/** A stored snapshot as MongoSnapshotStore keeps it: the state as JSON text. */
export interface StoredSnapshot {
  readonly partition: number;
  readonly lastOffset: number;
  readonly stateJson: string;
}

/**
 * What the processor keeps in MongoDB: one snapshot per user, replaced whole by a write that is
 * newer (MongoSnapshotStore's guarded write; `refuseOlderSnapshots: false` replaces whatever the
 * stored one's offset, as it did before fencing), and one checkpoint per partition that only
 * moves forward (`$max`), with the fence position there.
 */
export class SimulatedStore {
  readonly snapshots = new Map<string, StoredSnapshot>();
  readonly checkpoints = new Map<number, number>();
  private readonly fences = new Map<number, FencePosition | null>();

  constructor(
    private readonly refuseOlderSnapshots = false,
    private readonly onChange: (partition: number) => void = () => undefined,
  ) {}

  /** Serialised by the caller before it waits, as the real store does. */
  static serialise(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Map<string, StoredSnapshot> {
    return new Map([...snapshots].map(([id, s]) => [id, { partition, lastOffset: s.lastOffset, stateJson: JSON.stringify(s.state) }]));
  }

  write(partition: number, docs: ReadonlyMap<string, StoredSnapshot>): void {
    for (const [id, doc] of docs) {
      const stored = this.snapshots.get(id);
      if (this.refuseOlderSnapshots && stored && stored.lastOffset >= doc.lastOffset) continue;
      this.snapshots.set(id, doc);
    }
    this.onChange(partition);
  }

  load(userIds: readonly string[]): Map<string, UserSnapshot> {
    const found = new Map<string, UserSnapshot>();
    for (const id of new Set(userIds)) {
      const doc = this.snapshots.get(id);
      if (doc) found.set(id, { state: JSON.parse(doc.stateJson), lastOffset: doc.lastOffset });
    }
    return found;
  }

  checkpointOf(partition: number): ProcessorCheckpoint | undefined {
    const offset = this.checkpoints.get(partition);
    return offset === undefined ? undefined : { offset, fence: this.fences.get(partition) ?? null };
  }

  /** `$max` on both: the later checkpoint has the later (or same) fence position. */
  saveCheckpoint(partition: number, offset: number, fence: FencePosition | null): void {
    if (offset >= (this.checkpoints.get(partition) ?? -1)) {
      this.checkpoints.set(partition, offset);
      if (fence && (this.fences.get(partition)?.markerOffset ?? -1) <= fence.markerOffset) this.fences.set(partition, fence);
    }
    this.onChange(partition);
  }
}
