import { Collection, Document } from 'mongodb';

/** Documents per insertMany when held documents are written out. */
const FLUSH_CHUNK = 1000;

/**
 * What a replay has written so far, kept in memory: a replay is one process applying every event
 * of a new, empty version from offset 0 in log order, so its own writes are all the store could
 * return, and reading them back (a scan per query on FerretDB) is wasted work. Bounded: past
 * `limit` entries it stops remembering new keys and says so (`complete` false), and the caller
 * reads what it does not find from the store.
 *
 * With `defersWrites`, documents are also held back from the store until `flush` (the end of the
 * replay, or the moment the memory would overflow): each document is then inserted once, however
 * many events changed it, instead of being replaced once per batch that touched it. Nobody reads
 * a version before the replay activates it, so holding back is invisible.
 */
export class ReplayMemory<T> {
  private readonly entries = new Map<string, T>();
  private readonly unwritten = new Map<string, { readonly collection: Collection<Document>; readonly doc: T }>();
  private full = false;
  private deferring: boolean;

  constructor(
    /** Keys held at most (ProjectionSettings.replayMemoryEntries, REPLAY_MEMORY_ENTRIES). */
    private readonly limit: number,
    defersWrites = false,
  ) {
    this.deferring = defersWrites;
  }

  /** True while every key ever set is still held: a miss then means "not written". */
  get complete(): boolean {
    return !this.full;
  }

  /** True while writes are held back for `flush`. */
  get defers(): boolean {
    return this.deferring;
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

  /** Whether `newKeys` more keys would still be held. */
  hasRoomFor(newKeys: number): boolean {
    return this.entries.size + newKeys <= this.limit;
  }

  /** Remembers a document and holds it back from the store until `flush`. */
  hold(collection: Collection<Document>, key: string, doc: T): void {
    this.set(key, doc);
    this.unwritten.set(key, { collection, doc });
  }

  /**
   * Inserts every held document (all are new to the store: none was written before) and stops
   * holding any back. Returns how many were written.
   */
  async flush(): Promise<number> {
    this.deferring = false;
    const byCollection = new Map<Collection<Document>, T[]>();
    for (const { collection, doc } of this.unwritten.values()) {
      if (!byCollection.has(collection)) byCollection.set(collection, []);
      byCollection.get(collection)!.push(doc);
    }
    for (const [collection, docs] of byCollection) {
      for (let i = 0; i < docs.length; i += FLUSH_CHUNK) {
        await collection.insertMany(docs.slice(i, i + FLUSH_CHUNK) as Document[], { ordered: false });
      }
    }
    const written = this.unwritten.size;
    this.unwritten.clear();
    return written;
  }
}
