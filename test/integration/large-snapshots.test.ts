import { MongoClient } from 'mongodb';
import { UserKeysState, initialUserKeysState } from '@app/domain';
import { MongoSnapshotStore } from '../../apps/command-processor/src/state/mongo-snapshot-store';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp } from '../helpers/system';

/** A backup aggregate ranking `n` sessions: about 150 bytes of state each, as a real user's. */
function backupWithSessions(n: number, firstMessageIndex = 0): UserKeysState {
  const sessions: Record<string, { isVerified: boolean; firstMessageIndex: number; forwardedCount: number }> = {};
  for (let i = 0; i < n; i++) {
    const session = `${String(i).padStart(8, '0')}${'s'.repeat(35)}`;
    sessions[JSON.stringify([`!room${i % 500}xxxxxxxxxxxx:matrix.org`, session])] = { isVerified: false, firstMessageIndex, forwardedCount: 0 };
  }
  return {
    ...initialUserKeysState(),
    backup: { lastVersion: 1, versions: { '1': { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', deleted: false, etag: 1, sessions } } },
  } as UserKeysState;
}

/**
 * A state larger than MongoDB's 16 MB document limit (a user with 120,000 backed-up sessions) is
 * stored in parts and read back whole; a newer snapshot leaves no parts of the older one behind.
 */
describe('processor snapshots larger than a document', () => {
  const env = suiteEnv('large-snapshots');
  const mongo = new MongoClient(env.MONGODB_URI!);
  afterAll(async () => {
    await mongo.close();
    await cleanUp(env);
  });

  it('writes a 18 MB state in parts and loads it back equal', async () => {
    const db = mongo.db(env.MONGODB_DB);
    const key = 'backup:@heavy:test.local';
    const state = backupWithSessions(120_000);
    expect(JSON.stringify(state).length).toBeGreaterThan(16 * 1024 * 1024);
    await new MongoSnapshotStore(db, 1, 8).write(0, new Map([[key, { state, lastOffset: 7 }]]));
    const loaded = (await new MongoSnapshotStore(db, 1, 8).load([key])).get(key);
    expect(loaded?.lastOffset).toBe(7);
    expect(loaded?.state).toEqual(state);
  }, 120_000);

  it('replaces a snapshot in parts by a newer one and removes the older parts; an older write is refused', async () => {
    const db = mongo.db(env.MONGODB_DB);
    const raw = db.collection<{ _id: string }>('processor_user_state');
    const key = 'backup:@parts:test.local';
    const store = new MongoSnapshotStore(db, 1, 8, 10_000);
    await store.write(0, new Map([[key, { state: backupWithSessions(300, 1), lastOffset: 10 }]]));
    const partsAt = async (offset: number) => (await raw.find({}).toArray()).filter((d) => d._id.startsWith(`${key}#${offset}#`)).length;
    expect(await partsAt(10)).toBeGreaterThan(3);

    const reader = new MongoSnapshotStore(db, 1, 8, 10_000);
    expect((await reader.load([key])).get(key)?.state).toEqual(backupWithSessions(300, 1));
    await reader.write(0, new Map([[key, { state: backupWithSessions(300, 2), lastOffset: 20 }]]));
    expect(await partsAt(10)).toBe(0);
    expect(await partsAt(20)).toBeGreaterThan(3);

    // A late writer with an older state: its snapshot is refused and the stored one reads whole.
    await store.write(0, new Map([[key, { state: backupWithSessions(300, 3), lastOffset: 15 }]]));
    const stored = (await new MongoSnapshotStore(db, 1, 8, 10_000).load([key])).get(key);
    expect(stored?.lastOffset).toBe(20);
    expect(stored?.state).toEqual(backupWithSessions(300, 2));
  });
});
