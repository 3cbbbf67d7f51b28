import { LogPositionedCache } from './log-positioned-cache';

export interface CachedPointRead<D> {
  readonly cache: LogPositionedCache<D>;
  readonly ids: readonly string[];
  readonly partitionOf: (id: string) => number;
  /** The last offset of each partition the read must reflect (read-your-writes). */
  readonly targets: ReadonlyMap<number, bigint>;
  readonly waitMs: number;
  /**
   * Reads the misses from the store once it has applied `targets` (absent documents map to null);
   * `exact` false when the store had not caught up in time (served, but not kept).
   */
  readonly load: (ids: readonly string[]) => Promise<{ readonly docs: ReadonlyMap<string, D | null>; readonly exact: boolean }>;
  /** Other ids whose events change a document (LogPositionedCache's `dependsOn`). */
  readonly dependsOn?: (doc: D) => readonly string[];
}

/** A store read of one document under way, which a read with targets no later than its own may share. */
interface InFlight {
  readonly target: bigint;
  readonly generation: number;
  readonly doc: Promise<unknown>;
}

const inFlightReads = new WeakMap<LogPositionedCache<unknown>, Map<string, InFlight>>();

function inFlightOf(cache: LogPositionedCache<unknown>): Map<string, InFlight> {
  let reads = inFlightReads.get(cache);
  if (!reads) inFlightReads.set(cache, (reads = new Map()));
  return reads;
}

/**
 * Documents by id: exact copies where this process has seen the log up to the targets, point
 * reads from the store for the rest (kept for next time). A document another request is already
 * reading from the store, for targets at or past this read's, is not read again: a burst of cold
 * /keys/query calls for the same room reads each member once, not once per call.
 */
export async function cachedPointRead<D>({ cache, ids, partitionOf, targets, waitMs, load, dependsOn }: CachedPointRead<D>): Promise<Map<string, D | null>> {
  const found = new Map<string, D | null>();
  const unique = [...new Set(ids)];
  // Waiting for the log reader only pays when there are copies to answer from.
  const covered = unique.some((id) => cache.has(id)) && (await cache.waitUntilCovers(targets, waitMs));
  const misses: string[] = [];
  for (const id of unique) {
    const copy = covered ? cache.get(id) : undefined;
    if (copy === undefined) misses.push(id);
    else found.set(id, copy);
  }
  if (misses.length === 0) return found;
  const generation = cache.generation; // before the store read: a forget during it refuses its puts
  const reads = inFlightOf(cache as LogPositionedCache<unknown>);
  const targetOf = (id: string) => targets.get(partitionOf(id)) ?? -1n;
  const shared: [string, Promise<unknown>][] = [];
  const own: string[] = [];
  for (const id of misses) {
    const other = reads.get(id);
    if (other && other.generation === generation && other.target >= targetOf(id)) shared.push([id, other.doc]);
    else own.push(id);
  }
  if (own.length > 0) {
    const loading = load(own);
    const mine = own.map((id) => {
      const doc = loading.then(({ docs }) => docs.get(id) ?? null);
      doc.catch(() => undefined); // rejected to whoever shares it; not an unhandled rejection otherwise
      const entry = { target: targetOf(id), generation, doc };
      reads.set(id, entry);
      return [id, entry] as const;
    });
    try {
      const { docs, exact } = await loading;
      for (const id of own) {
        const doc = docs.get(id) ?? null;
        found.set(id, doc);
        const partition = partitionOf(id);
        if (exact) cache.put(id, partition, doc, targets.get(partition) ?? -1n, generation, doc && dependsOn ? dependsOn(doc) : []);
      }
    } finally {
      for (const [id, entry] of mine) if (reads.get(id) === entry) reads.delete(id);
    }
  }
  for (const [id, doc] of shared) found.set(id, (await doc) as D | null);
  return found;
}
