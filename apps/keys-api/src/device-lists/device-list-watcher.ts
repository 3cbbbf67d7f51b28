import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Db } from 'mongodb';
import { JsonLogger, MONGO_DB } from '@app/platform';
import { CheckpointReads } from '../read-barrier/checkpoint-reads';
import { WakeUpFeedDoc, feedDocId } from '@app/read-models';
import { DeviceListInterest, FeedWatch, WatchedFeed } from './feed-watch';

/**
 * The process's single watcher of the projector's wake-up notices (feed-watch.ts), reading the
 * per-partition rings and the projections' checkpoints from MongoDB, each by `_id`. Waiting
 * clients cost no query each.
 */
@Injectable()
export class DeviceListWatcher implements OnApplicationShutdown {
  private readonly watch: FeedWatch;

  constructor(@Inject(MONGO_DB) db: Db, checkpoints: CheckpointReads, logger: JsonLogger) {
    this.watch = new FeedWatch(
      {
        rings: async (feed, partitions) => {
          const found = await Promise.all(partitions.map((p) => db.collection<WakeUpFeedDoc>(feed).findOne({ _id: feedDocId(p) })));
          return found.filter((doc): doc is WakeUpFeedDoc => doc !== null);
        },
        checkpoints: (owner) => checkpoints.load(owner),
      },
      logger,
    );
  }

  onApplicationShutdown(): void {
    this.watch.stop();
  }

  /** Resolves true when something relevant changed and is readable, false at the timeout. */
  waitForChange(feeds: readonly WatchedFeed[], interest: DeviceListInterest, timeoutMs: number): Promise<boolean> {
    return this.watch.waitForChange(feeds, interest, timeoutMs);
  }
}
