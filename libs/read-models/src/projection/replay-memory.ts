/**
 * What a replay has written so far, kept in memory: a replay is one process applying every event
 * of a new, empty version from offset 0 in log order, so its own writes are all the store could
 * return, and reading them back (a scan per query on FerretDB) is wasted work. Bounded: past
 * `limit` entries it stops remembering new keys and says so (`complete` false), and the caller
 * reads what it does not find from the store.
 */
export class ReplayMemory<T> {
  private readonly entries = new Map<string, T>();
  private full = false;

  constructor(private readonly limit = Number(process.env.REPLAY_MEMORY_ENTRIES ?? 500_000)) {}

  /** True while every key ever set is still held: a miss then means "not written". */
  get complete(): boolean {
    return !this.full;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: T): void {
    if (!this.entries.has(key) && this.entries.size >= this.limit) {
      this.full = true;
      return;
    }
    this.entries.set(key, value);
  }
}
