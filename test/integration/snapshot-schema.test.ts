import { MongoClient } from 'mongodb';
import { initialUserKeysState } from '@app/domain';
import { MongoSnapshotStore, SNAPSHOT_SCHEMA_VERSION } from '../../apps/command-processor/src/state/mongo-snapshot-store';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp } from '../helpers/system';

/** Processor snapshots carry the layout version of their state; another version is refused, not misread. */
describe('processor snapshot schema version', () => {
  const env = suiteEnv('snapshot-schema');
  const mongo = new MongoClient(env.MONGODB_URI!);
  afterAll(async () => {
    await mongo.close();
    await cleanUp(env);
  });

  it('writes its version, reads snapshots written before versions existed, refuses other versions', async () => {
    const db = mongo.db(env.MONGODB_DB);
    const store = new MongoSnapshotStore(db, 1, 8);
    await store.write(0, new Map([['@new:test.local', { state: initialUserKeysState(), lastOffset: 3 }]]));
    const raw = db.collection<{ _id: string; schemaVersion?: number }>('processor_user_state');
    expect((await raw.findOne({ _id: '@new:test.local' }))?.schemaVersion).toBe(SNAPSHOT_SCHEMA_VERSION);

    await raw.insertOne({ _id: '@old:test.local', partition: 0, lastOffset: 1, state: JSON.stringify(initialUserKeysState()) } as never);
    expect((await store.load(['@old:test.local'])).get('@old:test.local')?.lastOffset).toBe(1);

    await raw.insertOne({ _id: '@future:test.local', partition: 0, lastOffset: 2, state: '{}', schemaVersion: SNAPSHOT_SCHEMA_VERSION + 1 } as never);
    await expect(store.load(['@future:test.local'])).rejects.toThrow(/schema version 2; this processor reads 1/);
  });
});
