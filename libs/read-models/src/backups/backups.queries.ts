import { Collection, Document } from 'mongodb';
import { BackupRoomDoc, BackupRoomsDoc, BackupUserDoc, backupRoomDocId, backupRoomsDocId, backupUserDocId } from './backup-docs';

/** Readers of the backups read model: every read is one document by `_id`. */
export class BackupQueries {
  constructor(private readonly collection: Collection<Document>) {}

  /** The user's versions (auth data, etag, count; the current one), or null if none was ever made. */
  async user(userId: string): Promise<BackupUserDoc | null> {
    return (await this.collection.findOne({ _id: backupUserDocId(userId) } as Document)) as BackupUserDoc | null;
  }

  /** The rooms holding sessions in a version, sorted (none: empty). */
  async rooms(userId: string, version: string): Promise<readonly string[]> {
    const doc = (await this.collection.findOne({ _id: backupRoomsDocId(userId, version) } as Document)) as BackupRoomsDoc | null;
    return doc?.rooms ?? [];
  }

  /** One room's sessions in a version, or null when it holds none. */
  async room(userId: string, version: string, roomId: string): Promise<BackupRoomDoc | null> {
    return (await this.collection.findOne({ _id: backupRoomDocId(userId, version, roomId) } as Document)) as BackupRoomDoc | null;
  }
}
