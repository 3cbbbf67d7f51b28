import { FreshLoads } from './fresh-loads';

/** Port: a topic's end offsets (partition -> the offset the next message gets), as ListOffsets answers. */
export type EndOffsets = (topic: string) => Promise<Map<number, string>>;

/**
 * The last offset of every partition of a topic that has one, from a look at the log that started
 * after the call: every write acknowledged before the call is at or below it. Callers arriving
 * while a look runs share the next one (fresh-loads.ts), so a burst of reads costs two calls, not
 * one each.
 */
export class LogEndOffsets {
  private readonly ends: FreshLoads<Map<number, string>>;

  constructor(
    endOffsets: EndOffsets,
    private readonly topic: string,
  ) {
    this.ends = new FreshLoads(endOffsets);
  }

  async last(): Promise<Map<number, bigint>> {
    const last = new Map<number, bigint>();
    for (const [p, end] of await this.ends.get(this.topic)) if (BigInt(end) > 0n) last.set(p, BigInt(end) - 1n);
    return last;
  }
}
