import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { MatrixError } from '@app/matrix';
import { isInfrastructureError } from '@app/platform';
import { roomSessions, sessionJson, versionEntry } from '@app/read-models';
import { unavailableOnOutage } from '../../device-lists/token-param';
import { BackupReader } from '../backup-reader';
import { backupJson, roomJson } from './backup-json';
import { BackupKeysJson, ReadBackupKeysRequest } from './read-backup-keys.query';

/**
 * One session or one room is one document; the whole backup is the version's rooms document, then
 * its rooms read by `_id` a few at a time and streamed out in order, so 100,000 sessions never
 * become one object in memory.
 */
@QueryHandler(ReadBackupKeysRequest)
export class ReadBackupKeysHandler implements IQueryHandler<ReadBackupKeysRequest, BackupKeysJson> {
  constructor(private readonly reader: BackupReader) {}

  async execute({ userId, version, roomId, sessionId }: ReadBackupKeysRequest): Promise<BackupKeysJson> {
    return unavailableOnOutage(async (): Promise<BackupKeysJson> => {
      const queries = await this.reader.queriesFor(userId);
      if (roomId !== undefined) {
        const [user, room] = await Promise.all([queries.user(userId), queries.room(userId, version, roomId)]);
        if (!versionEntry(user, version)) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
        if (sessionId === undefined) return roomJson(room);
        const json = sessionJson(roomSessions(room), sessionId);
        if (json === null) throw new MatrixError('M_NOT_FOUND', 'No key for this session', 404);
        return json;
      }
      const [user, rooms] = await Promise.all([queries.user(userId), queries.rooms(userId, version)]);
      if (!versionEntry(user, version)) throw new MatrixError('M_NOT_FOUND', `Unknown backup version ${version}`, 404);
      return backupJson(rooms, (room) => queries.room(userId, version, room));
    }, isInfrastructureError);
  }
}
