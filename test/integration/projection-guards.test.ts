import { MongoClient } from 'mongodb';
import { RecordedEvent, EventOf } from '@app/contracts';
import { ProjectionBuckets, UserDevicesDoc, applyEvents, deviceKeysProjection } from '@app/read-models';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp } from '../helpers/system';

const event = (deviceId: string, keysJson: string, userId = '@g:test.local'): EventOf<'DeviceKeysUploaded'> => ({
  id: `${deviceId}-${keysJson}`,
  type: 'DeviceKeysUploaded',
  schemaVersion: 1,
  key: userId,
  time: 1,
  correlationId: 'c',
  causationId: 'c',
  data: { userId, deviceId, keysJson },
});
const at = (offset: number, e: EventOf<'DeviceKeysUploaded'>): RecordedEvent => ({ event: e, partition: 0, offset: String(offset) });
/** The defaults the services use (MONGODB_BULK_CHUNK, PROJECTION_BUCKET_WRITERS). */
const tuning = { bulkChunk: 8, bucketWriters: 4 };

/** Position-guarded projection writes against FerretDB: redelivery and reordering change nothing. */
describe('projection writes are position-guarded', () => {
  const env = suiteEnv('guards');
  const mongo = new MongoClient(env.MONGODB_URI!);
  const buckets = () => ProjectionBuckets.of<UserDevicesDoc>(mongo.db(env.MONGODB_DB), 'guard-test', 1, 1);
  const collection = () => buckets().single();

  afterAll(async () => {
    await mongo.close();
    await cleanUp(env);
  });

  it('applies an event once; delivered twice, the document is not updated again', async () => {
    expect(await applyEvents(buckets(), deviceKeysProjection, [at(5, event('A', '{"v":1}'))], tuning)).toBe(1);
    const before = await collection().findOne({});
    expect(await applyEvents(buckets(), deviceKeysProjection, [at(5, event('A', '{"v":1}'))], tuning)).toBe(0);
    expect(await collection().findOne({})).toEqual(before);
  });

  it('ignores an older event arriving after a newer one', async () => {
    await applyEvents(buckets(), deviceKeysProjection, [at(9, event('B', '{"v":"new"}'))], tuning);
    expect(await applyEvents(buckets(), deviceKeysProjection, [at(7, event('B', '{"v":"old"}'))], tuning)).toBe(0);
    const doc = await collection().findOne({ _id: '@g:test.local' });
    expect(doc).toMatchObject({ _meta: { offset: 9 } });
    expect(doc!.devices.find((d) => d.deviceId === 'B')).toMatchObject({ keysJson: '{"v":"new"}' });
  });

  // One consumer per partition means one writer per document; this covers the overlap of an old
  // and a new owner during a rebalance, where both may create the same document at once. (Two
  // simultaneous *replacements* are not guarded on FerretDB, whose update is not atomic: see
  // docs/architecture.md.)
  it.each([0, 1, 2, 3, 4])('keeps the newer of two writers racing to create a document (round %i)', async (round) => {
    const userId = `@racer${round}:test.local`;
    await Promise.all([
      applyEvents(buckets(), deviceKeysProjection, [at(20, event('R', '{"v":20}', userId))], tuning),
      applyEvents(buckets(), deviceKeysProjection, [at(21, event('R', '{"v":21}', userId))], tuning),
    ]);
    expect(await collection().findOne({ _id: userId })).toMatchObject({ devices: [{ deviceId: 'R', keysJson: '{"v":21}' }], _meta: { offset: 21 } });
  });
});
