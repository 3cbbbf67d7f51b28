import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { KafkaSettings } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { KAFKA_SETTINGS, MONGO_DB } from '@app/platform';
import { FreshLoads } from './fresh-loads';

/**
 * The projections' checkpoints as this process reads them: a load is P point reads (a document
 * per partition, each with its one writer), and every barrier, sync and /keys/changes needs one,
 * so concurrent readers of the same owner share loads (fresh-loads.ts) and each still sees every
 * checkpoint saved before it asked.
 */
@Injectable()
export class CheckpointReads {
  private readonly loads: FreshLoads<ReadonlyMap<number, string>>;

  constructor(@Inject(MONGO_DB) db: Db, @Inject(KAFKA_SETTINGS) kafkaSettings: KafkaSettings) {
    const store = new CheckpointStore(db, kafkaSettings.partitions);
    this.loads = new FreshLoads((owner) => store.load(owner));
  }

  /** A copy: callers may keep or change it. */
  async load(owner: string): Promise<Map<number, string>> {
    return new Map(await this.loads.get(owner));
  }
}
