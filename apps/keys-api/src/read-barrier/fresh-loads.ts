/**
 * Loads by key, shared by concurrent callers without ever answering with something older than the
 * call: a caller arriving while a load of its key runs waits for the next load, which starts when
 * that one ends and is shared by everyone who arrived meanwhile. So N concurrent readers of a
 * projection's checkpoints (P point reads each) cost two loads, not N, and each still sees every
 * checkpoint saved before it called.
 */
export class FreshLoads<V> {
  private readonly running = new Map<string, Promise<V>>();
  private readonly queued = new Map<string, Promise<V>>();

  constructor(private readonly load: (key: string) => Promise<V>) {}

  get(key: string): Promise<V> {
    const current = this.running.get(key);
    if (!current) return this.launch(key);
    let next = this.queued.get(key);
    if (!next) {
      next = current
        .catch(() => undefined)
        .then(() => {
          this.queued.delete(key);
          return this.launch(key);
        });
      this.queued.set(key, next);
    }
    return next;
  }

  private launch(key: string): Promise<V> {
    const call = this.load(key);
    this.running.set(key, call);
    void call
      .catch(() => undefined)
      .finally(() => {
        if (this.running.get(key) === call) this.running.delete(key);
      });
    return call;
  }
}
