import { Inject, Injectable } from '@nestjs/common';
import { Db, Document } from 'mongodb';
import { backupKey } from '@app/contracts';
import { MONGO_DB } from '@app/platform';
import { BackupQueries, ProjectionRegistry, backupsProjection, collectionName } from '@app/read-models';
import { ReadBarrier } from '../read-barrier/read-barrier';

/** The `backups` read model, after the owner's own writes (read barrier on `backup:<user>`). */
@Injectable()
export class BackupReader {
  private readonly registry: ProjectionRegistry;

  constructor(
    @Inject(MONGO_DB) private readonly db: Db,
    private readonly barrier: ReadBarrier,
  ) {
    this.registry = new ProjectionRegistry(db, 500);
  }

  async queriesFor(userId: string): Promise<BackupQueries> {
    const version = await this.registry.active(backupsProjection.name);
    await this.barrier.waitForUsers(backupsProjection.name, version, [backupKey(userId)]);
    return new BackupQueries(this.db.collection<Document>(collectionName(backupsProjection.name, version)));
  }
}
