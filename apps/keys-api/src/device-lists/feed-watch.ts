import { PositionVector } from '@app/contracts';
import { FeedNotice, WakeUpFeedDoc } from '@app/read-models';

/** What a waiting long-poll cares about. */
export interface DeviceListInterest {
  readonly userId: string;
  readonly rooms: ReadonlySet<string>;
  /** Changes at or below these positions were already answered. */
  readonly after: PositionVector;
}

/** A wake-up feed (one ring document per partition), and the checkpoint owner of the projection that writes it. */
export interface WatchedFeed {
  readonly feed: string;
  readonly checkpointOwner: string;
}

/** Ports: the rings of some partitions of a feed, read by `_id`, and a projection's checkpoints. */
export interface FeedSources {
  rings(feed: string, partitions: readonly number[]): Promise<WakeUpFeedDoc[]>;
  checkpoints(owner: string): Promise<Map<number, string>>;
}

export interface FeedLog {
  write(level: 'warn', message: string, fields?: Record<string, unknown>): void;
}

interface Waiter extends DeviceListInterest {
  readonly feeds: readonly WatchedFeed[];
  readonly wake: (woken: boolean) => void;
}

/** What this process knows of one partition's ring. */
interface RingState {
  /** Notices read, oldest first. */
  readonly notices: FeedNotice[];
  /** The newest notice read (-1: none). */
  lastSeen: number;
  /** Notices at or below this offset may exist that were never read here (-1: none). */
  lostUpTo: number;
  /** The checkpoint the ring was last read at: no notice it covers can appear later. */
  readAt: number;
}

const POLL_MS = 25;
/** Notices kept per partition and feed; older ones count as lost (a waiter behind them is woken). */
const KEPT_PER_RING = 512;

/**
 * One per process: while long-polls wait, it reads the projections' checkpoints every 25 ms and,
 * for each partition whose checkpoint moved, that partition's wake-up ring (one point read by
 * `_id`), and wakes exactly the waiters whose user or rooms changed. Invariants:
 * - A notice wakes a waiter only once every checkpoint the waiter's token is built from has passed
 *   it (its rows are readable): a reader woken earlier would read nothing new (its token stops at
 *   the checkpoints), wait again and be woken at once by the same notice, over and over.
 * - No wake-up is lost. The checkpoint is read before the ring, and a notice is written before its
 *   batch's checkpoint, so every notice at or below the checkpoint read is in the ring read after
 *   it, or has fallen out of it (`droppedUpTo`); a ring is read again whenever its checkpoint moves.
 *   Notices that fell out unread, or that this process no longer keeps, are "lost": a waiter whose
 *   token is behind them is woken (it re-reads; safe).
 * - Registration and the poll's wake-ups both judge a waiter synchronously against the same state,
 *   and every poll judges every waiter, so a notice is either found at registration or wakes the
 *   waiter at the end of the poll that made it readable.
 */
export class FeedWatch {
  private readonly waiters = new Set<Waiter>();
  private readonly rings = new Map<string, Map<number, RingState>>();
  private readonly applied = new Map<string, Map<number, number>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly sources: FeedSources,
    private readonly log: FeedLog,
  ) {}

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const waiter of this.waiters) waiter.wake(false);
    this.waiters.clear();
  }

  waitForChange(feeds: readonly WatchedFeed[], interest: DeviceListInterest, timeoutMs: number): Promise<boolean> {
    if (this.stopped || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => finish(false), timeoutMs);
      const waiter: Waiter = { ...interest, feeds, wake: (woken) => finish(woken) };
      const finish = (woken: boolean) => {
        clearTimeout(timeout);
        this.waiters.delete(waiter);
        resolve(woken);
      };
      // A readable notice read before this waiter arrived may already concern it.
      if (this.concerns(waiter)) return finish(true);
      this.waiters.add(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private async poll(): Promise<void> {
    try {
      const feeds = new Map([...this.waiters].flatMap((w) => w.feeds.map((f) => [f.feed, f.checkpointOwner] as const)));
      await Promise.all([...feeds].map(([feed, owner]) => this.refresh(feed, owner)));
      for (const waiter of this.waiters) if (this.concerns(waiter)) waiter.wake(true);
    } catch (err) {
      this.log.write('warn', 'device-list watch failed', { err: (err as Error).message });
    } finally {
      this.timer = undefined;
      if (this.waiters.size > 0) this.schedule();
    }
  }

  /** Reads a projection's checkpoints, then the rings of the partitions they moved in. */
  private async refresh(feed: string, owner: string): Promise<void> {
    // Checkpoints first: they only move forward, so what they cover now stays covered.
    const read = await this.sources.checkpoints(owner);
    const applied = this.applied.get(owner) ?? new Map<number, number>();
    this.applied.set(owner, applied);
    for (const [p, offset] of read) applied.set(p, Math.max(applied.get(p) ?? -1, Number(offset)));
    const rings = this.rings.get(feed) ?? new Map<number, RingState>();
    this.rings.set(feed, rings);
    const moved = [...applied].filter(([p, offset]) => offset > (rings.get(p)?.readAt ?? -1)).map(([p]) => p);
    if (moved.length === 0) return;
    const at = new Map(moved.map((p) => [p, applied.get(p)!]));
    const docs = await this.sources.rings(feed, moved);
    for (const p of moved) {
      const ring = rings.get(p) ?? { notices: [], lastSeen: -1, lostUpTo: -1, readAt: -1 };
      rings.set(p, ring);
      const doc = docs.find((d) => d.partition === p);
      if (doc) {
        if (doc.droppedUpTo > ring.lastSeen) ring.lostUpTo = Math.max(ring.lostUpTo, doc.droppedUpTo);
        for (const notice of doc.notices) if (notice.offset > ring.lastSeen) ring.notices.push(notice);
        ring.lastSeen = Math.max(ring.lastSeen, doc.offset);
        while (ring.notices.length > KEPT_PER_RING) ring.lostUpTo = Math.max(ring.lostUpTo, ring.notices.shift()!.offset);
      }
      ring.readAt = Math.max(ring.readAt, at.get(p)!);
    }
  }

  /** Whether something readable past the waiter's token concerns it (or may, where notices were lost). */
  private concerns(waiter: Waiter): boolean {
    for (const { feed } of waiter.feeds) {
      for (const [p, ring] of this.rings.get(feed) ?? []) {
        const token = waiter.after[p] ?? -1;
        // Readable: at or below every checkpoint the waiter's token is the minimum of.
        const readable = Math.min(...waiter.feeds.map((f) => this.applied.get(f.checkpointOwner)?.get(p) ?? -1));
        if (readable <= token) continue;
        if (ring.lostUpTo > token) return true;
        for (let i = firstAfter(ring.notices, token); i < ring.notices.length && ring.notices[i].offset <= readable; i++) {
          const notice = ring.notices[i];
          if (notice.all || notice.users.includes(waiter.userId) || notice.rooms.some((room) => waiter.rooms.has(room))) return true;
        }
      }
    }
    return false;
  }
}

/** Index of the first notice with an offset above `token` (notices are in offset order). */
function firstAfter(notices: readonly FeedNotice[], token: number): number {
  let lo = 0;
  let hi = notices.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (notices[mid].offset > token) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
