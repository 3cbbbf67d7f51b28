import { BackupSessionUpload, DomainEvent, RecordedEvent } from '@app/contracts';
import {
  BackupDoc,
  BackupRoomDoc,
  BackupRoomsDoc,
  BackupUserDoc,
  backupRoomDocId,
  backupRoomsDocId,
  backupUserDocId,
  currentEntry,
  roomSessions,
  sessionJson,
  versionEntry,
} from './backup-docs';
import { BackupDocStore, BackupWritePlan, applyBackupEvents, planWrites } from './backups.projection';

/** The store port in memory (writes by `_id`, as the Mongo adapter), and a crash after a number of writes. */
class MemoryBackupStore implements BackupDocStore {
  readonly docs = new Map<string, BackupDoc>();
  readonly readIds: string[] = [];
  failAfterWrites = Infinity;

  async read(ids: readonly string[]): Promise<Map<string, BackupDoc>> {
    this.readIds.push(...ids);
    return new Map(ids.filter((id) => this.docs.has(id)).map((id) => [id, structuredClone(this.docs.get(id)!)]));
  }

  async write(plan: BackupWritePlan): Promise<void> {
    for (const id of plan.deletes) {
      this.tick();
      this.docs.delete(id);
    }
    for (const doc of [...plan.inserts, ...plan.replaces]) {
      this.tick();
      this.docs.set(doc._id, structuredClone(doc));
    }
  }

  private tick(): void {
    if (this.failAfterWrites-- <= 0) throw new Error('crash');
  }

  snapshot(): string {
    return JSON.stringify([...this.docs].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

const session = (roomId: string, sessionId: string, tag: string, firstMessageIndex = 0): BackupSessionUpload => ({
  roomId,
  sessionId,
  firstMessageIndex,
  forwardedCount: 1,
  isVerified: false,
  sessionDataJson: JSON.stringify({ ciphertext: tag, mac: 'm' }),
});

const A = '@alice:test.local';
const B = '@bob.b:test.local';
const R1 = '!one:test.local';
const R2 = '!two.x:test.local';

/** Two users' backup histories as their owner decides them (etag and count as the decider computed them). */
const script: [DomainEvent['type'], Record<string, unknown>][] = [
  ['BackupVersionCreated', { userId: A, version: '1', algorithm: 'alg', authDataJson: '{"k":1}' }],
  ['BackupVersionCreated', { userId: B, version: '1', algorithm: 'alg', authDataJson: '{}' }],
  ['BackupKeysStored', { userId: A, version: '1', sessions: [session(R1, 's.1', 'a'), session(R1, 's.2', 'b'), session(R2, 's.3', 'c')], etag: '1', count: 3 }],
  ['BackupKeysStored', { userId: B, version: '1', sessions: [session(R1, 'b.1', 'x')], etag: '1', count: 1 }],
  ['BackupKeysStored', { userId: A, version: '1', sessions: [session(R1, 's.1', 'a2')], etag: '2', count: 3 }],
  ['BackupVersionUpdated', { userId: A, version: '1', authDataJson: '{"k":2}' }],
  ['BackupVersionCreated', { userId: A, version: '2', algorithm: 'alg', authDataJson: '{}' }],
  ['BackupKeysStored', { userId: A, version: '2', sessions: [session(R1, 'n.1', 'n'), session(R2, 'n.2', 'm')], etag: '1', count: 2 }],
  ['BackupKeysDeleted', { userId: A, version: '2', roomId: R2, sessionId: 'n.2', etag: '2', count: 1 }],
  ['BackupKeysDeleted', { userId: B, version: '1', roomId: null, sessionId: null, etag: '2', count: 0 }],
  ['BackupKeysStored', { userId: B, version: '1', sessions: [session(R2, 'b.2', 'y')], etag: '3', count: 1 }],
  ['BackupKeysStored', { userId: A, version: '2', sessions: [session(R2, 'n.3', 'o')], etag: '3', count: 2 }],
  ['BackupKeysDeleted', { userId: A, version: '2', roomId: R1, sessionId: null, etag: '4', count: 1 }],
  ['BackupVersionDeleted', { userId: A, version: '2' }],
  ['BackupVersionCreated', { userId: A, version: '3', algorithm: 'alg', authDataJson: '{}' }],
  ['BackupKeysStored', { userId: A, version: '3', sessions: [session(R1, 'z', 'z')], etag: '1', count: 1 }],
  ['BackupVersionCreated', { userId: B, version: '2', algorithm: 'alg', authDataJson: '{}' }],
  ['BackupKeysStored', { userId: B, version: '2', sessions: [session(R1, 'q', 'q')], etag: '1', count: 1 }],
  ['BackupKeysDeleted', { userId: B, version: '2', roomId: R1, sessionId: 'q', etag: '2', count: 0 }],
];

const EVENTS: RecordedEvent[] = script.map(([type, data], i) => ({
  partition: 3,
  offset: String(100 + i),
  event: {
    id: `e${i}`,
    type,
    schemaVersion: 1,
    key: `backup:${String(data.userId)}`,
    time: 0,
    correlationId: 'c',
    causationId: `cmd${i}`,
    data,
  } as unknown as DomainEvent,
}));

async function applyInBatches(store: MemoryBackupStore, events: readonly RecordedEvent[], sizes: readonly number[]): Promise<void> {
  let i = 0;
  let s = 0;
  while (i < events.length) {
    const size = sizes[s++ % sizes.length];
    await applyBackupEvents(store, events.slice(i, i + size));
    i += size;
  }
}

async function clean(): Promise<MemoryBackupStore> {
  const store = new MemoryBackupStore();
  await applyBackupEvents(store, EVENTS);
  return store;
}

describe('backups projection', () => {
  it('shapes: a user document with its versions, a rooms document per version, a room document per room', async () => {
    const store = await clean();
    const alice = store.docs.get(backupUserDocId(A)) as BackupUserDoc;
    expect(alice).toMatchObject({ kind: 'user', userId: A, current: '3', _meta: { partition: 3, offset: 115 } });
    expect(alice.versions).toEqual([
      { version: '1', algorithm: 'alg', authDataJson: '{"k":2}', etag: '2', count: 3 },
      { version: '3', algorithm: 'alg', authDataJson: '{}', etag: '1', count: 1 },
    ]);
    expect(currentEntry(alice)?.version).toBe('3');
    expect(versionEntry(alice, '2')).toBeNull();
    expect((store.docs.get(backupRoomsDocId(A, '1')) as BackupRoomsDoc).rooms).toEqual([R1, R2]);
    const r1 = store.docs.get(backupRoomDocId(A, '1', R1)) as BackupRoomDoc;
    expect(roomSessions(r1).map((s) => s.sessionId)).toEqual(['s.1', 's.2']);
    expect(r1.count).toBe(2);
    expect(JSON.parse(sessionJson(roomSessions(r1), 's.1')!)).toEqual({
      first_message_index: 0,
      forwarded_count: 1,
      is_verified: false,
      session_data: { ciphertext: 'a2', mac: 'm' },
    });
    expect(sessionJson(roomSessions(r1), 's.3')).toBeNull();
    // Version 2 was deleted: none of its documents remain.
    expect([...store.docs.keys()].filter((id) => id.includes('"2"') && id.includes(A))).toEqual([]);
    // Bob: everything deleted, then one key in another room; version 2 emptied again.
    const bob = store.docs.get(backupUserDocId(B)) as BackupUserDoc;
    expect(bob.current).toBe('2');
    expect(bob.versions.map((v) => [v.version, v.etag, v.count])).toEqual([
      ['1', '3', 1],
      ['2', '2', 0],
    ]);
    expect((store.docs.get(backupRoomsDocId(B, '1')) as BackupRoomsDoc).rooms).toEqual([R2]);
    expect(store.docs.has(backupRoomDocId(B, '1', R1))).toBe(false);
    expect(store.docs.has(backupRoomsDocId(B, '2'))).toBe(false);
    expect(store.docs.has(backupRoomDocId(B, '2', R1))).toBe(false);
  });

  it('reads only by _id: user documents, then the rooms documents and named rooms of the pending events', async () => {
    const store = new MemoryBackupStore();
    await applyBackupEvents(store, EVENTS.slice(0, 3));
    expect(store.readIds).toEqual([backupUserDocId(A), backupUserDocId(B), backupRoomsDocId(A, '1'), backupRoomDocId(A, '1', R1), backupRoomDocId(A, '1', R2)]);
  });

  it('ends in the same documents however the log is cut into batches', async () => {
    const expected = (await clean()).snapshot();
    for (const sizes of [[1], [2], [3, 1], [5, 2, 7], [EVENTS.length - 1, 1]]) {
      const store = new MemoryBackupStore();
      await applyInBatches(store, EVENTS, sizes);
      expect(store.snapshot()).toBe(expected);
    }
  });

  it('a redelivered suffix, cut into other batches, changes nothing', async () => {
    const expected = (await clean()).snapshot();
    for (let from = 0; from < EVENTS.length; from++) {
      const store = await clean();
      await applyInBatches(store, EVENTS.slice(from), [2, 3]);
      expect(store.snapshot()).toBe(expected);
    }
  });

  it('a batch whose writes stopped after any number of documents converges when redelivered (in any cut)', async () => {
    const expected = (await clean()).snapshot();
    for (let at = 0; at < EVENTS.length; at += 3) {
      for (let k = 0; k < 12; k++) {
        const store = new MemoryBackupStore();
        await applyBackupEvents(store, EVENTS.slice(0, at));
        store.failAfterWrites = k;
        const failed = await applyBackupEvents(store, EVENTS.slice(at, at + 6)).then(
          () => false,
          () => true,
        );
        store.failAfterWrites = Infinity;
        if (!failed) continue;
        // Redelivered from the failed batch's first event, in batches of another size.
        await applyInBatches(store, EVENTS.slice(at), [1, 4]);
        expect(store.snapshot()).toBe(expected);
      }
    }
  });

  it('skips what the user document says is done, and ignores other events', async () => {
    const store = await clean();
    const before = store.snapshot();
    expect(await applyBackupEvents(store, EVENTS)).toBe(0);
    const other: RecordedEvent = {
      partition: 3,
      offset: '999',
      event: {
        id: 'x',
        type: 'ToDeviceAcked',
        schemaVersion: 1,
        key: A,
        time: 0,
        correlationId: 'c',
        causationId: null,
        data: { userId: A, deviceId: 'D', upToSeq: 1 },
      } as DomainEvent,
    };
    expect(await applyBackupEvents(store, [other])).toBe(0);
    expect(store.snapshot()).toBe(before);
  });

  it('plans writes guarded by what was read: newer stored documents are left alone, absent ones inserted', () => {
    const doc = (id: string, offset: number, partition = 3) =>
      ({ _id: id, kind: 'rooms', userId: A, version: '1', rooms: [R1], _meta: { partition, offset } }) as BackupDoc;
    const read = new Map([
      ['a', doc('a', 10)],
      ['b', doc('b', 5)],
      ['c', doc('c', 10)],
      ['d', doc('d', 12)],
    ]);
    const plan = planWrites(
      read,
      [doc('a', 10), doc('b', 10), doc('n', 10)],
      [
        { _id: 'c', _meta: { partition: 3, offset: 10 } },
        { _id: 'd', _meta: { partition: 3, offset: 11 } },
        { _id: 'u', _meta: { partition: 3, offset: 11 } },
      ],
    );
    expect(plan.inserts.map((d) => d._id)).toEqual(['n']);
    expect(plan.replaces.map((d) => d._id)).toEqual(['b']);
    expect(plan.deletes).toEqual(['c', 'u']);
  });
});
