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

/**
 * Documents by id: exact copies where this process has seen the log up to the targets, point
 * reads from the store for the rest (kept for next time).
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
  const { docs, exact } = await load(misses);
  for (const id of misses) {
    const doc = docs.get(id) ?? null;
    found.set(id, doc);
    const partition = partitionOf(id);
    if (exact) cache.put(id, partition, doc, targets.get(partition) ?? -1n, generation, doc && dependsOn ? dependsOn(doc) : []);
  }
  return found;
}
