import { PositionVector, isAfter } from '@app/contracts';
import { DeviceListFeedDoc } from '@app/read-models';

/** What a waiting long-poll cares about. */
export interface DeviceListInterest {
  readonly userId: string;
  readonly rooms: ReadonlySet<string>;
  /** Changes at or below these positions were already answered. */
  readonly after: PositionVector;
}

/** A wake-up notice collection, and the checkpoint owner of the projection that writes it. */
export interface WatchedFeed {
  readonly feed: string;
  readonly checkpointOwner: string;
}

/** Ports: the notices of a feed written since a time, and a projection's checkpoints. */
export interface FeedSources {
  notices(feed: string, sinceMs: number): Promise<DeviceListFeedDoc[]>;
  checkpoints(owner: string): Promise<Map<number, string>>;
}

export interface FeedLog {
  write(level: 'warn', message: string, fields?: Record<string, unknown>): void;
}

interface Waiter extends DeviceListInterest {
  readonly feeds: readonly WatchedFeed[];
  readonly wake: (woken: boolean) => void;
}

const POLL_MS = 25;
/** Notices are read back this far, so one inserted late (a slow projector batch) is still seen. */
const LOOKBACK_MS = 10_000;

/** A notice read, and whether its projection's checkpoint has passed it (its rows are readable). */
interface Seen {
  readonly feed: string;
  readonly notice: DeviceListFeedDoc;
  readable: boolean;
}

/**
 * One per process: while long-polls wait, it reads the projector's wake-up notices every 25 ms
 * and wakes exactly the waiters whose user or rooms changed. A notice is written before its
 * batch's checkpoint, so a notice wakes anyone only once the checkpoint has passed it: a reader
 * woken earlier would read nothing new (its token stops at the checkpoint), wait again and be
 * woken at once by the same notice, over and over. Registration and the poll's wake-ups both
 * run synchronously against `seen`, so a notice is either found at registration or wakes the
 * waiter when the poll marks it readable: no wake-up is lost between them.
 */
export class FeedWatch {
  private readonly waiters = new Set<Waiter>();
  private readonly seen = new Map<string, Seen>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly sources: FeedSources,
    private readonly log: FeedLog,
    private readonly now: () => number = Date.now,
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
      if ([...this.seen.values()].some((s) => s.readable && feeds.some((f) => f.feed === s.feed) && concerns(s.notice, waiter))) return finish(true);
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
      for (const [feed, owner] of feeds) {
        // Checkpoints first: they only move forward, so what they cover now stays covered.
        const applied = await this.sources.checkpoints(owner);
        const notices = await this.sources.notices(feed, this.now() - LOOKBACK_MS);
        for (const notice of notices) {
          const key = `${feed}:${notice._id}`;
          if (!this.seen.has(key)) this.seen.set(key, { feed, notice, readable: false });
        }
        for (const seen of this.seen.values()) {
          if (seen.feed !== feed || seen.readable || !covers(applied, seen.notice)) continue;
          seen.readable = true;
          for (const waiter of this.waiters) if (waiter.feeds.some((f) => f.feed === feed) && concerns(seen.notice, waiter)) waiter.wake(true);
        }
      }
      const horizon = this.now() - 2 * LOOKBACK_MS;
      for (const [key, { notice }] of this.seen) if (notice.at < horizon) this.seen.delete(key);
    } catch (err) {
      this.log.write('warn', 'device-list watch failed', { err: (err as Error).message });
    } finally {
      this.timer = undefined;
      if (this.waiters.size > 0) this.schedule();
    }
  }
}

function covers(applied: ReadonlyMap<number, string>, notice: DeviceListFeedDoc): boolean {
  const at = applied.get(notice.partition);
  return at !== undefined && Number(at) >= notice.offset;
}

function concerns(notice: DeviceListFeedDoc, interest: DeviceListInterest): boolean {
  if (!isAfter(interest.after, notice.partition, notice.offset)) return false;
  return notice.users.includes(interest.userId) || notice.rooms.some((room) => interest.rooms.has(room));
}
