/** Port: a projection's stored checkpoints, partition -> last applied offset. */
export type CheckpointSource = (owner: string) => Promise<Map<number, string>>;

/** Port: the latest checkpoints read before, without a new read (undefined: none yet). */
export type KnownCheckpoints = (owner: string) => Map<number, string> | undefined;

export interface WatchLog {
  write(level: 'warn', message: string, fields?: Record<string, unknown>): void;
}

interface Waiter {
  readonly owner: string;
  readonly targets: ReadonlyMap<number, bigint>;
  readonly since: number;
  readonly resolve: (caughtUp: boolean) => void;
}

const WATCH_INTERVAL_MS = 5;

/**
 * The read barrier's single poller: while anyone waits it reads the checkpoints of the
 * projections waited on (one read per projection, however many waiters) and releases the
 * waiters whose targets they have passed. Checkpoints only move forward (`$max`), so a read
 * that started before a waiter arrived is still a lower bound for it; but a waiter is judged
 * only against a read of its own projection (one that arrived during the read for another waits
 * for the next round). It owns its waiters alone: once stopped, nothing is read again.
 */
export class CheckpointWatch {
  private readonly waiters = new Set<Waiter>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly load: CheckpointSource,
    private readonly timeoutMs: number,
    private readonly log: WatchLog,
    private readonly now: () => number = Date.now,
    private readonly known: KnownCheckpoints = () => undefined,
  ) {}

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const w of this.waiters) w.resolve(false);
    this.waiters.clear();
  }

  /** Resolves true once the owner's checkpoints pass every target, false at the timeout. */
  waitFor(owner: string, targets: ReadonlyMap<number, bigint>): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    // Checkpoints only move forward: ones read before that already pass the targets need no new read.
    const known = this.known(owner);
    if (known && passes(known, targets)) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      this.waiters.add({ owner, targets, since: this.now(), resolve });
      this.schedule(0);
    });
  }

  private schedule(delay: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => void this.check(), delay);
  }

  private async check(): Promise<void> {
    try {
      const owners = new Set([...this.waiters].map((w) => w.owner));
      const positions = new Map<string, Map<number, string>>();
      for (const owner of owners) positions.set(owner, await this.load(owner));
      for (const waiter of this.waiters) {
        const at = positions.get(waiter.owner);
        if (at && passes(at, waiter.targets)) this.settle(waiter, true);
      }
    } catch (err) {
      this.log.write('warn', 'checkpoint watch failed', { err: (err as Error).message });
    } finally {
      this.timer = undefined;
      const now = this.now();
      for (const waiter of this.waiters) if (now - waiter.since >= this.timeoutMs) this.settle(waiter, false);
      if (this.waiters.size > 0) this.schedule(WATCH_INTERVAL_MS);
    }
  }

  private settle(waiter: Waiter, caughtUp: boolean): void {
    this.waiters.delete(waiter);
    waiter.resolve(caughtUp);
  }
}

function passes(at: ReadonlyMap<number, string>, targets: ReadonlyMap<number, bigint>): boolean {
  return [...targets].every(([p, target]) => at.has(p) && BigInt(at.get(p)!) >= target);
}
