interface Entry<T> {
  readonly value: T | null;
  /** The stored document was read with the projection at or past this offset of its partition. */
  readonly coveredFrom: bigint;
  /**
   * Other ids whose events also change this document (in the same partition): a room part
   * changes with its members' device changes, which name only the member.
   */
  readonly dependsOn: readonly string[];
}

/**
 * Exact in-memory copies of per-user read-model documents (a user's events, and so all changes to
 * the document, are in one partition of e2ee.events). Kept exact by the log, not by time:
 *  - `changed` is called for every event that touches a document, in log order per partition, by
 *    this process's single reader of e2ee.events; it drops a copy older than the event and
 *    remembers the event's offset, so a copy read from the store before the event cannot be put
 *    in afterwards (`put` refuses it);
 *  - `covers` tells whether that reader has seen a partition up to an offset: a copy may answer a
 *    read only if every event up to the read's target has been seen, so none can be missing.
 * Memory is bounded: past `maxEntries` copies the oldest used is dropped; past `maxRemembered`
 * remembered offsets everything is forgotten and the generation moves on, so puts of reads that
 * started before are refused.
 */
export class LogPositionedCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly lastChange = new Map<string, bigint>();
  private readonly consumed = new Map<number, bigint>();
  /** The first offset of each partition the reader passes on: events before it are never seen. */
  private readonly firstSeen = new Map<number, bigint>();
  private readonly waiters = new Set<() => void>();
  private generationCounter = 0;
  private version = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxRemembered = maxEntries * 4,
  ) {}

  get generation(): number {
    return this.generationCounter;
  }

  /** Readers moved to another collection version (a replay): copies of the old one are not exact for it. */
  useVersion(version: number): void {
    if (version === this.version) return;
    this.version = version;
    this.forgetAll();
  }

  changed(id: string, offset: bigint): void {
    if ((this.lastChange.get(id) ?? -1n) < offset) this.lastChange.set(id, offset);
    const entry = this.entries.get(id);
    if (entry && entry.coveredFrom < offset) this.entries.delete(id);
    if (this.lastChange.size > this.maxRemembered) this.forgetAll();
  }

  /** The reader starts on `partition` at `offset`: every later event will be passed on. */
  begin(partition: number, offset: bigint): void {
    this.firstSeen.set(partition, offset);
    this.advanced(partition, offset - 1n);
  }

  /** Every event of `partition` up to `offset` has been passed to `changed`. */
  advanced(partition: number, offset: bigint): void {
    if ((this.consumed.get(partition) ?? -1n) >= offset) return;
    this.consumed.set(partition, offset);
    for (const wake of [...this.waiters]) wake();
  }

  covers(targets: ReadonlyMap<number, bigint>): boolean {
    for (const [partition, target] of targets) if ((this.consumed.get(partition) ?? -1n) < target) return false;
    return true;
  }

  /** Resolves whether `covers(targets)` became true within `timeoutMs`. */
  waitUntilCovers(targets: ReadonlyMap<number, bigint>, timeoutMs: number): Promise<boolean> {
    if (this.covers(targets)) return Promise.resolve(true);
    // The reader has not begun on some partition (starting, or Kafka unreachable): no use waiting.
    for (const partition of targets.keys()) if (!this.firstSeen.has(partition)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (covered: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(covered);
      };
      const check = () => this.covers(targets) && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  has(id: string): boolean {
    return this.current(id) !== undefined;
  }

  /** A copy, `null` for a known absent document, `undefined` when there is none. */
  get(id: string): T | null | undefined {
    const entry = this.current(id);
    if (!entry) return undefined;
    this.entries.delete(id); // most recently used last
    this.entries.set(id, entry);
    return entry.value;
  }

  /**
   * Keeps what a store read returned, read with the projection at or past `coveredFrom`, by a read
   * that started in `generation`. Refused when an event after `coveredFrom` was already seen, or
   * could be missed.
   */
  put(id: string, partition: number, value: T | null, coveredFrom: bigint, generation: number, dependsOn: readonly string[] = []): void {
    if (generation !== this.generationCounter) return;
    // An event between the copy and where the reader began would never be seen.
    const first = this.firstSeen.get(partition);
    if (first === undefined || first > coveredFrom + 1n) return;
    if ((this.lastChange.get(id) ?? -1n) > coveredFrom) return;
    if (this.changedAfter(dependsOn, coveredFrom)) return;
    this.entries.delete(id);
    this.entries.set(id, { value, coveredFrom, dependsOn });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The entry, unless an id it depends on changed after it was read (then it is dropped). */
  private current(id: string): Entry<T> | undefined {
    const entry = this.entries.get(id);
    if (!entry || !this.changedAfter(entry.dependsOn, entry.coveredFrom)) return entry;
    this.entries.delete(id);
    return undefined;
  }

  private changedAfter(ids: readonly string[], offset: bigint): boolean {
    for (const id of ids) if ((this.lastChange.get(id) ?? -1n) > offset) return true;
    return false;
  }

  private forgetAll(): void {
    this.entries.clear();
    this.lastChange.clear();
    this.generationCounter++;
  }
}
