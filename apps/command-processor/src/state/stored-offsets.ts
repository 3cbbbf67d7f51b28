import { UserSnapshot } from './ports';

/**
 * Per user, the newest offset this process has stored: a flush leaves out states older than
 * that. After an eviction, catch-up's first flushes may hold states older than the evicted
 * memory's last write stored (found by the simulation); writing them would put the store behind
 * its checkpoint. Outlives eviction, as the write chain does.
 */
export class StoredOffsets {
  private readonly stored = new Map<string, number>();

  /** The snapshots newer than what this process stored of the same user. */
  newer(snapshots: ReadonlyMap<string, UserSnapshot>): Map<string, UserSnapshot> {
    return new Map([...snapshots].filter(([id, s]) => s.lastOffset > (this.stored.get(id) ?? -1)));
  }

  /** These snapshots are stored now (never moves a user back). */
  record(snapshots: ReadonlyMap<string, UserSnapshot>): void {
    for (const [id, s] of snapshots) this.stored.set(id, Math.max(s.lastOffset, this.stored.get(id) ?? -1));
  }
}
