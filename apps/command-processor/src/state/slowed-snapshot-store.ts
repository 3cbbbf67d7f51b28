import { SnapshotStore, UserSnapshot } from './ports';

/**
 * Fault injection for tests (SNAPSHOT_WRITE_DELAY_MS): every snapshot write finishes late, so
 * decisions overlap writes in flight, as they do on a loaded store.
 */
export class SlowedSnapshotStore implements SnapshotStore {
  constructor(
    private readonly inner: SnapshotStore,
    private readonly delayMs: number,
  ) {}

  load(userIds: readonly string[]): Promise<Map<string, UserSnapshot>> {
    return this.inner.load(userIds);
  }

  async write(partition: number, snapshots: ReadonlyMap<string, UserSnapshot>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.inner.write(partition, snapshots);
  }
}
