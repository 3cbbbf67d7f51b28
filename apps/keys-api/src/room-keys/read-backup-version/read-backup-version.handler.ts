import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MatrixError } from '@app/matrix';
import { isInfrastructureError } from '@app/platform';
import { BackupVersionEntry, currentEntry, versionEntry } from '@app/read-models';
import { unavailableOnOutage } from '../../device-lists/token-param';
import { BackupReader } from '../backup-reader';
import { BackupVersionResponse, ReadBackupVersionRequest } from './read-backup-version.query';

const versionResponse = (doc: BackupVersionEntry): BackupVersionResponse => ({
  algorithm: doc.algorithm,
  auth_data: JSON.parse(doc.authDataJson) as unknown,
  count: doc.count,
  etag: doc.etag,
  version: doc.version,
});

/** From the `backups` read model, after the owner's own writes. */
@QueryHandler(ReadBackupVersionRequest)
export class ReadBackupVersionHandler implements IQueryHandler<ReadBackupVersionRequest, BackupVersionResponse> {
  constructor(private readonly reader: BackupReader) {}

  async execute({ userId, version }: ReadBackupVersionRequest): Promise<BackupVersionResponse> {
    return unavailableOnOutage(async () => {
      const user = await (await this.reader.queriesFor(userId)).user(userId);
      if (version === null) {
        const doc = currentEntry(user);
        if (!doc) throw new MatrixError('M_NOT_FOUND', 'No current backup version', 404);
        return versionResponse(doc);
      }
      const doc = versionEntry(user, version);
      if (!doc) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
      return versionResponse(doc);
    }, isInfrastructureError);
  }
}
