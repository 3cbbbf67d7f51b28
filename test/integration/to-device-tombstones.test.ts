import { MongoClient } from 'mongodb';
import { RecordedEvent } from '@app/contracts';
import {
  InboxEvent,
  InboxHead,
  ProjectionContext,
  collectionName,
  foldInbox,
  inboxHeadId,
  inboxIdsToRead,
  mongoInboxStore,
  pendingToDevice,
  toDeviceProjection,
} from '@app/read-models';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp } from '../helpers/system';

/** The defaults the services use (MONGODB_BULK_CHUNK, PROJECTION_BUCKET_WRITERS). */
const tuning = { bulkChunk: 8, bucketWriters: 4 };

const at = (offset: number, type: InboxEvent['type'], data: Record<string, unknown>): RecordedEvent<InboxEvent> =>
  ({
    event: { id: `${type}@${offset}`, type, schemaVersion: 1, key: data.userId, time: 1, correlationId: 'c', causationId: null, data },
    partition: 0,
    offset: String(offset),
  }) as never;
const queued = (userId: string, offset: number, seq: number, text: string) =>
  at(offset, 'ToDeviceQueued', { userId, deviceId: 'D', seq, sender: '@s:test.local', type: 'm.test', contentJson: JSON.stringify({ text }) });
const deleted = (userId: string, offset: number) => at(offset, 'DeviceDeleted', { userId, deviceId: 'D' });

/**
 * A deleted device's inbox head stays as a tombstone on FerretDB, under the live writer's guarded
 * writes: an older event written after the deletion (a stale owner in a rebalance, a redelivered
 * batch) brings nothing back, and the id coming back gets only its new messages.
 */
describe('to-device tombstones on the store', () => {
  const env = suiteEnv('to-device-tombstones');
  const mongo = new MongoClient(env.MONGODB_URI!);
  const context = (): ProjectionContext => ({ db: mongo.db(env.MONGODB_DB), version: 1, live: true, tuning });
  const collection = () => mongo.db(env.MONGODB_DB).collection(collectionName('to-device', 1));
  const apply = (events: RecordedEvent[]) => toDeviceProjection.apply(collection(), events, context());
  const contents = async (userId: string) => (await pendingToDevice(collection(), userId, 'D')).map((r) => [r.seq, JSON.parse(r.contentJson).text]);

  afterAll(async () => {
    await mongo.close();
    await cleanUp(env);
  });

  it('a stale writer that read before the deletion and writes after it is refused; the id coming back sees its new messages only', async () => {
    const user = '@stale:test.local';
    const old = Array.from({ length: 20 }, (_, i) => queued(user, i, i + 1, `old ${i + 1}`)); // two windows
    const stale = mongoInboxStore(collection(), tuning.bulkChunk);
    const staleRead = await stale.read(inboxIdsToRead(old)); // the old owner reads (nothing yet) ...

    await apply(old); // ... the new owner applies the messages and the deletion ...
    await apply([deleted(user, 20)]);
    const { windows, heads } = foldInbox(staleRead, old); // ... and the old owner writes only now
    await stale.write(windows.puts, windows.deletes);
    await stale.write(heads.puts, heads.deletes);
    expect(await apply(old)).toBe(0); // a redelivery is skipped at the tombstone

    expect(await collection().findOne({ _id: inboxHeadId(user, 'D') } as never)).toMatchObject({
      deleted: true,
      lastSeq: 0,
      ackedSeq: 0,
      deletedAt: 20,
      _meta: { offset: 20 },
    });
    expect(await contents(user)).toEqual([]);

    await apply([queued(user, 21, 1, 'new 1'), queued(user, 22, 2, 'new 2')]);
    expect(await contents(user)).toEqual([
      [1, 'new 1'],
      [2, 'new 2'],
    ]);
    const head = (await collection().findOne({ _id: inboxHeadId(user, 'D') } as never)) as unknown as InboxHead;
    expect(head).toMatchObject({ lastSeq: 2, ackedSeq: 0, deletedAt: 20, _meta: { offset: 22 } });
    expect(head.deleted).toBeUndefined();
    // More of the old device's writes, now later still, change nothing.
    await stale.write(windows.puts, windows.deletes);
    await stale.write(heads.puts, heads.deletes);
    expect(await apply(old)).toBe(0);
    expect(await contents(user)).toEqual([
      [1, 'new 1'],
      [2, 'new 2'],
    ]);
  });

  // Both writers create documents at once: the stale one inserting the inbox, the live one the tombstone.
  it.each([0, 1, 2])('the tombstone wins a race with a stale writer creating the inbox (round %i)', async (round) => {
    const user = `@racer${round}:test.local`;
    const old = [queued(user, 0, 1, 'old 1'), queued(user, 1, 2, 'old 2')];
    await Promise.all([apply(old), apply([...old, deleted(user, 2)])]);
    expect(await collection().findOne({ _id: inboxHeadId(user, 'D') } as never)).toMatchObject({ deleted: true, _meta: { offset: 2 } });
    expect(await contents(user)).toEqual([]);
  });
});
