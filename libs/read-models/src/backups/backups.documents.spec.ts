import { BackupSessionUpload } from '@app/contracts';
import { BatchApplier, projectionSpec, recorded } from '../projection/projection-harness';
import { BackupDoc, BackupVersionEntry, backupRoomDocId, backupRoomsDocId, backupUserDocId, keyBackupDataJson } from './backup-docs';
import { BackupDocStore, applyBackupEvents } from './backups.projection';

/** The store port over the harness's documents, writing by `_id` as the Mongo adapter does (the guard is the projection's). */
const storeOver = (docs: Map<string, BackupDoc>): BackupDocStore => ({
  read: async (ids) => new Map(ids.filter((id) => docs.has(id)).map((id) => [id, docs.get(id)!])),
  write: async ({ inserts, replaces, deletes }) => {
    for (const id of deletes) docs.delete(id);
    for (const doc of [...inserts, ...replaces]) docs.set(doc._id, doc);
  },
});
const applyBatch: BatchApplier<BackupDoc> = async (docs, batch) => {
  await applyBackupEvents(storeOver(docs), batch);
};
const spec = projectionSpec(applyBatch);

const USER = '@alice:example.org';
const ROOM = '!room:example.org';
const session = (sessionId: string, tag: string): BackupSessionUpload => ({
  roomId: ROOM,
  sessionId,
  firstMessageIndex: 0,
  forwardedCount: 0,
  isVerified: true,
  sessionDataJson: JSON.stringify({ ciphertext: tag }),
});

const created = (offset: number, version: string) =>
  recorded(offset, 'BackupVersionCreated', { userId: USER, version, algorithm: 'm.megolm_backup.v1', authDataJson: '{}' });
const stored = (offset: number, version: string, etag: string, count: number, ...sessions: BackupSessionUpload[]) =>
  recorded(offset, 'BackupKeysStored', { userId: USER, version, sessions, etag, count });
const versionDeleted = (offset: number, version: string) => recorded(offset, 'BackupVersionDeleted', { userId: USER, version });

const entry = (version: string, etag: string, count: number): BackupVersionEntry => ({
  version,
  algorithm: 'm.megolm_backup.v1',
  authDataJson: '{}',
  etag,
  count,
});
const userDoc = (offset: number, ...versions: BackupVersionEntry[]): BackupDoc => ({
  _id: backupUserDocId(USER),
  kind: 'user',
  userId: USER,
  current: versions.length === 0 ? null : versions[versions.length - 1].version,
  versions,
  _meta: { partition: 0, offset },
});
const roomsDoc = (offset: number, version: string): BackupDoc => ({
  _id: backupRoomsDocId(USER, version),
  kind: 'rooms',
  userId: USER,
  version,
  rooms: [ROOM],
  _meta: { partition: 0, offset },
});
const roomDoc = (offset: number, version: string, ...sessions: BackupSessionUpload[]): BackupDoc => ({
  _id: backupRoomDocId(USER, version, ROOM),
  kind: 'room',
  userId: USER,
  version,
  roomId: ROOM,
  count: sessions.length,
  sessionsJson: JSON.stringify(sessions.map((s) => [s.sessionId, keyBackupDataJson(s)])),
  _meta: { partition: 0, offset },
});

describe('backups projection: documents given delivered batches', () => {
  it("writes the user document, the version's rooms and each room's sessions", async () => {
    await spec
      .given([created(0, '1'), stored(1, '1', '1', 1, session('s.1', 'a')), stored(2, '1', '2', 2, session('s.2', 'b'))])
      .expect([userDoc(2, entry('1', '2', 2)), roomsDoc(2, '1'), roomDoc(2, '1', session('s.1', 'a'), session('s.2', 'b'))]);
  });

  it("removes a deleted version's rooms", async () => {
    await spec
      .given([created(0, '1'), stored(1, '1', '1', 1, session('s.1', 'a'))], [versionDeleted(2, '1'), created(3, '2')])
      .expect([userDoc(3, entry('2', '0', 0))]);
  });

  it('changes nothing when a batch is delivered twice', async () => {
    const batch = [created(0, '1'), stored(1, '1', '1', 1, session('s.1', 'a'))];
    await spec.given(batch, batch).expect([userDoc(1, entry('1', '1', 1)), roomsDoc(1, '1'), roomDoc(1, '1', session('s.1', 'a'))]);
  });

  it("ignores an older event delivered after a newer one (at or below the user document's position)", async () => {
    await spec
      .given([created(0, '1'), stored(3, '1', '2', 1, session('s.1', 'new'))], [stored(2, '1', '1', 1, session('s.1', 'old'), session('s.9', 'stale'))])
      .expect([userDoc(3, entry('1', '2', 1)), roomsDoc(3, '1'), roomDoc(3, '1', session('s.1', 'new'))]);
  });

  it('skips the events it does not declare', async () => {
    await spec.given([recorded(0, 'DeviceDeleted', { userId: USER, deviceId: 'D' })]).expect([]);
  });
});
