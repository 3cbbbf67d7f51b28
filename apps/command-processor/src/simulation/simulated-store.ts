import { UserSnapshot } from '../state/ports';

/** A stored snapshot as MongoSnapshotStore keeps it: the state as JSON text. */
export interface StoredSnapshot {
  readonly partition: number;
  readonly lastOffset: number;
  readonly stateJson: string;
}

/**
 * What the processor keeps in MongoDB: one snapshot per user, replaced whole by each write (as
 * MongoSnapshotStore does, whatever the stored one's offset), and one checkpoint per partition
 * that only moves forward (`$max`). `refuseOlderSnapshots` is a what-if: a write guarded by offset.
 */
export class SimulatedStore {
  readonly snapshots = new Map<string, StoredSnapshot>();
  readonly checkpoints = new Map<number, number>();

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
      if (this.refuseOlderSnapshots && stored && stored.lastOffset > doc.lastOffset) continue;
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

  saveCheckpoint(partition: number, offset: number): void {
    this.checkpoints.set(partition, Math.max(offset, this.checkpoints.get(partition) ?? -1));
    this.onChange(partition);
  }
}
