import { Injectable } from '@nestjs/common';
import { Document } from 'mongodb';
import { backupKey } from '@app/contracts';

import { BackupQueries, backupsProjection } from '@app/read-models';
import { ReadBarrier } from '../read-barrier/read-barrier';

import { ReadModelStore } from '../read-cache/read-model-store';

/** The `backups` read model, after the owner's own writes (read barrier on `backup:<user>`). */
@Injectable()
export class BackupReader {
  constructor(
    private readonly store: ReadModelStore,
    private readonly barrier: ReadBarrier,
  ) {}

  async queriesFor(userId: string): Promise<BackupQueries> {
    const version = await this.store.activeVersion(backupsProjection.name);
    await this.barrier.waitForUsers(backupsProjection.name, version, [backupKey(userId)]);
    return new BackupQueries(this.store.collection<Document>(backupsProjection.name, version));
  }
}
