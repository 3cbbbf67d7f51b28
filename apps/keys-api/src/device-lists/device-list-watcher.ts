import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Db } from 'mongodb';
import { PositionVector, isAfter } from '@app/contracts';
import { JsonLogger, MONGO_DB } from '@app/platform';
import { DeviceListFeedDoc } from '@app/read-models';

/** What a waiting long-poll cares about. */
export interface DeviceListInterest {
  readonly userId: string;
  readonly rooms: ReadonlySet<string>;
  /** Changes at or below these positions were already answered. */
  readonly after: PositionVector;
}

interface Waiter extends DeviceListInterest {
  /** The wake-up notice collections of the projection versions this waiter reads. */
  readonly feeds: readonly string[];
  readonly wake: (woken: boolean) => void;
}

const POLL_MS = 25;
/** Notices are read back this far, so one inserted late (a slow projector batch) is still seen. */
const LOOKBACK_MS = 10_000;

/**
 * One per process: while long-polls wait, it reads the projector's wake-up notices (a small
 * collection) every 25 ms and wakes exactly the waiters whose user or rooms changed. Waiting
 * clients cost no query each; a woken one re-reads its changes once.
 */
@Injectable()
export class DeviceListWatcher implements OnApplicationShutdown {
  private readonly waiters = new Set<Waiter>();
  private readonly seen = new Map<string, { readonly feed: string; readonly notice: DeviceListFeedDoc }>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly logger: JsonLogger,
  ) {}

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const waiter of this.waiters) waiter.wake(false);
    this.waiters.clear();
  }

  /** Resolves true when something relevant changed, false at the timeout. */
  waitForChange(feeds: readonly string[], interest: DeviceListInterest, timeoutMs: number): Promise<boolean> {
    if (this.stopped || timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timeout = setTimeout(() => finish(false), timeoutMs);
      const waiter: Waiter = {
        ...interest,
        feeds,
        wake: (woken) => finish(woken),
      };
      const finish = (woken: boolean) => {
        clearTimeout(timeout);
        this.waiters.delete(waiter);
        resolve(woken);
      };
      // A notice read before this waiter arrived may already concern it.
      if ([...this.seen.values()].some((s) => feeds.includes(s.feed) && concerns(s.notice, waiter))) return finish(true);
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
      const feeds = new Set([...this.waiters].flatMap((w) => w.feeds));
      for (const feed of feeds) {
        const notices = await this.db
          .collection<DeviceListFeedDoc>(feed)
          .find({ at: { $gte: Date.now() - LOOKBACK_MS } })
          .toArray();
        for (const notice of notices) {
          const key = `${feed}:${notice._id}`;
          if (this.seen.has(key)) continue;
          this.seen.set(key, { feed, notice });
          for (const waiter of this.waiters) if (waiter.feeds.includes(feed) && concerns(notice, waiter)) waiter.wake(true);
        }
      }
      const horizon = Date.now() - 2 * LOOKBACK_MS;
      for (const [key, { notice }] of this.seen) if (notice.at < horizon) this.seen.delete(key);
    } catch (err) {
      this.logger.write('warn', 'device-list watch failed', { err: (err as Error).message });
    } finally {
      this.timer = undefined;
      if (this.waiters.size > 0) this.schedule();
    }
  }
}

function concerns(notice: DeviceListFeedDoc, interest: DeviceListInterest): boolean {
  if (!isAfter(interest.after, notice.partition, notice.offset)) return false;
  return notice.users.includes(interest.userId) || notice.rooms.some((room) => interest.rooms.has(room));
}
