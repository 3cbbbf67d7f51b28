/** Sends a list of items as one request and answers one result per item, in order. */
export type SendMany<T, R> = (items: readonly T[]) => Promise<readonly R[]>;

interface Waiting<T, R> {
  readonly items: readonly T[];
  readonly resolve: (results: readonly R[]) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Group commit for a sender that has one request in flight at a time (the idempotent producer:
 * order per partition needs `maxInFlightRequests: 1`). Calls made while a request is in flight
 * wait and then go out together, in call order, as the next request: under concurrency the
 * number of round trips no longer grows with the number of callers. When a shared request
 * fails, each call in it is retried alone, so one caller's bad message fails only that caller.
 */
export class SendCoalescer<T, R> {
  private readonly waiting: Waiting<T, R>[] = [];
  private draining = false;

  /**
   * @param sendMany the request
   * @param sizeOf the size of an item, to keep one request under `maxBytes` (a call larger than that goes alone)
   */
  constructor(
    private readonly sendMany: SendMany<T, R>,
    private readonly sizeOf: (item: T) => number,
    private readonly maxBytes: number,
  ) {}

  send(items: readonly T[]): Promise<readonly R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ items, resolve, reject });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length > 0) await this.sendGroup(this.nextGroup());
    } finally {
      this.draining = false;
    }
  }

  /** The oldest calls that fit in one request together (always at least one). */
  private nextGroup(): Waiting<T, R>[] {
    let bytes = 0;
    let count = 0;
    for (const call of this.waiting) {
      const size = call.items.reduce((sum, item) => sum + this.sizeOf(item), 0);
      if (count > 0 && bytes + size > this.maxBytes) break;
      bytes += size;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async sendGroup(group: readonly Waiting<T, R>[]): Promise<void> {
    let results: readonly R[];
    try {
      results = await this.sendMany(group.flatMap((call) => call.items));
    } catch (err) {
      if (group.length === 1) return group[0].reject(err);
      for (const call of group) await this.sendGroup([call]);
      return;
    }
    let at = 0;
    for (const call of group) {
      call.resolve(results.slice(at, at + call.items.length));
      at += call.items.length;
    }
  }
}
