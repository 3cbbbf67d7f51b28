import { Collection, Document, MongoBulkWriteError } from 'mongodb';
import { BackupSessionUpload, DomainEventType, RecordedEvent } from '@app/contracts';
import { CustomProjection } from '../projection/projection';

export interface BackupVersionDoc {
  readonly _id: string;
  readonly kind: 'version';
  readonly userId: string;
  readonly version: string;
  readonly versionNumber: number;
  readonly algorithm: string;
  readonly authDataJson: string;
  readonly deleted: boolean;
  readonly etag: string;
  readonly count: number;
}

export interface BackupSessionDoc {
  readonly _id: string;
  readonly kind: 'session';
  readonly userId: string;
  readonly version: string;
  readonly roomId: string;
  readonly sessionId: string;
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
  readonly isVerified: boolean;
  readonly sessionDataJson: string;
}

export const backupVersionDocId = (userId: string, version: string): string => JSON.stringify(['version', userId, version]);
const sessionDocId = (userId: string, version: string, roomId: string, sessionId: string): string => JSON.stringify(['session', userId, version, roomId, sessionId]);

const HANDLES: readonly DomainEventType[] = ['BackupVersionCreated', 'BackupVersionUpdated', 'BackupVersionDeleted', 'BackupKeysStored', 'BackupKeysDeleted'];

/**
 * Backups as readers need them: a document per version (algorithm, auth_data, etag, count) and one
 * per stored session. Applied strictly in log order; every step is a set, a replace or a delete,
 * so a redelivered batch ends in the same state.
 */
export const backupsProjection: CustomProjection = {
  name: 'backups',
  handles: HANDLES,
  indexes: [{ userId: 1, kind: 1, version: 1, roomId: 1 }],
  async apply(collection: Collection<Document>, events: readonly RecordedEvent[]): Promise<number> {
    const relevant = events.filter((e) => HANDLES.includes(e.event.type));
    for (const { event } of relevant) {
      switch (event.type) {
        case 'BackupVersionCreated': {
          const { userId, version, algorithm, authDataJson } = event.data;
          const doc: BackupVersionDoc = { _id: backupVersionDocId(userId, version), kind: 'version', userId, version, versionNumber: Number(version), algorithm, authDataJson, deleted: false, etag: '0', count: 0 };
          await collection.replaceOne({ _id: doc._id } as Document, doc, { upsert: true });
          break;
        }
        case 'BackupVersionUpdated':
          await collection.updateOne({ _id: backupVersionDocId(event.data.userId, event.data.version) } as Document, { $set: { authDataJson: event.data.authDataJson } });
          break;
        case 'BackupVersionDeleted':
          await collection.updateOne({ _id: backupVersionDocId(event.data.userId, event.data.version) } as Document, { $set: { deleted: true, count: 0 } });
          await collection.deleteMany({ kind: 'session', userId: event.data.userId, version: event.data.version });
          break;
        case 'BackupKeysStored': {
          const { userId, version, sessions, etag, count } = event.data;
          await storeSessions(collection, userId, version, sessions);
          await collection.updateOne({ _id: backupVersionDocId(userId, version) } as Document, { $set: { etag, count } });
          break;
        }
        case 'BackupKeysDeleted': {
          const { userId, version, roomId, sessionId, etag, count } = event.data;
          await collection.deleteMany({ kind: 'session', userId, version, ...(roomId === null ? {} : { roomId }), ...(sessionId === null ? {} : { sessionId }) });
          await collection.updateOne({ _id: backupVersionDocId(userId, version) } as Document, { $set: { etag, count } });
          break;
        }
        default:
          break;
      }
    }
    return relevant.length;
  },
};

/** New sessions are inserted (cheap on FerretDB); the ones already stored are replaced. */
async function storeSessions(collection: Collection<Document>, userId: string, version: string, sessions: readonly BackupSessionUpload[]): Promise<void> {
  const docs: BackupSessionDoc[] = sessions.map((s) => ({ _id: sessionDocId(userId, version, s.roomId, s.sessionId), kind: 'session', userId, version, ...s }));
  let existing: BackupSessionDoc[] = [];
  try {
    await collection.insertMany(docs as unknown as Document[], { ordered: false });
  } catch (err) {
    const errors = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) : [];
    if (errors.length === 0 || !errors.every((e) => e.code === 11000)) throw err;
    existing = errors.map((e) => docs[e.index]);
  }
  for (const doc of existing) await collection.replaceOne({ _id: doc._id } as Document, doc as unknown as Document);
}

/** The newest version not deleted, or null. */
export async function currentBackupVersion(collection: Collection<Document>, userId: string): Promise<BackupVersionDoc | null> {
  const versions = (await collection.find({ kind: 'version', userId, deleted: false }).toArray()) as unknown as BackupVersionDoc[];
  return versions.sort((a, b) => b.versionNumber - a.versionNumber)[0] ?? null;
}

export async function backupVersion(collection: Collection<Document>, userId: string, version: string): Promise<BackupVersionDoc | null> {
  const doc = (await collection.findOne({ _id: backupVersionDocId(userId, version) } as Document)) as unknown as BackupVersionDoc | null;
  return doc && !doc.deleted ? doc : null;
}

/** Stored sessions of a version (optionally of one room, or one session), streamed in room order. */
export function backupSessions(collection: Collection<Document>, userId: string, version: string, roomId?: string, sessionId?: string) {
  return collection.find({ kind: 'session', userId, version, ...(roomId === undefined ? {} : { roomId }), ...(sessionId === undefined ? {} : { sessionId }) }).sort({ roomId: 1, sessionId: 1 });
}
