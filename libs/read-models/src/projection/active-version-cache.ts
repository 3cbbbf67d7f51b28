/** Port: reads a projection's active collection version from the store. */
export type ActiveVersionSource = (name: string) => Promise<number>;

/**
 * A reader's cache of the active versions, for `cacheMs`. At most one store read per projection
 * is in flight, and only that read writes the projection's entry: reads follow each other, so a
 * read that started before a replay's switch can never land after one that saw the switch and
 * send readers back to the old version (whose projector has stopped).
 */
export class ActiveVersionCache {
  private readonly cache = new Map<string, { readonly version: number; readonly until: number }>();
  private readonly reading = new Map<string, Promise<number>>();

  constructor(
    private readonly source: ActiveVersionSource,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  active(name: string): Promise<number> {
    if (this.cacheMs <= 0) return this.source(name); // nothing shared: every caller reads
    const cached = this.cache.get(name);
    if (cached && cached.until > this.now()) return Promise.resolve(cached.version);
    const inFlight = this.reading.get(name);
    if (inFlight) return inFlight;
    const read = this.readAndCache(name).finally(() => {
      if (this.reading.get(name) === read) this.reading.delete(name);
    });
    this.reading.set(name, read);
    return read;
  }

  private async readAndCache(name: string): Promise<number> {
    const version = await this.source(name);
    this.cache.set(name, { version, until: this.now() + this.cacheMs });
    return version;
  }
}
