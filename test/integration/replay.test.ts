import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { ProjectionBuckets, ProjectionRegistry, collectionDigest, deviceKeysProjection } from '@app/read-models';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { replayProjection } from '../../apps/cli/src/replay/replay-projection';
import { readTopic } from '../helpers/log-reader';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { planUploads, uploadAll } from '../helpers/upload-stream';

/** `replay device-keys` rebuilds a byte-identical collection and readers move to it without a gap. */
describe('replay of the device-keys projection', () => {
  const env = suiteEnv('replay');
  const mongo = new MongoClient(env.MONGODB_URI!);
  const system = systemForSuite(env, () => startSystem(env, 1), { after: () => mongo.close() });

  it('produces a new version with the same content digest as the live one, then serves new writes from it', async () => {
    const plan = planUploads('replay', 30, 2);
    await uploadAll(() => system.apis[0].url, plan, 6);
    const users = [...new Set(plan.map((p) => p.userId))];
    const client = new MatrixClient(system.apis[0].url, tokenFor(users[0], 'DEV0'));
    await client.query({ device_keys: Object.fromEntries(users.map((u) => [u, []])) }); // waits for the projection

    const db = mongo.db(env.MONGODB_DB);
    const live = await collectionDigest(await ProjectionBuckets.forReading(db, 'device-keys', 1));
    expect(live.count).toBe(users.length); // one document per user

    const kafka = createKafka(kafkaSettingsFromEnv('replay-test', env));
    const admin = new TopicAdmin(kafka);
    const progress: number[] = [];
    // Rebuilt over a different number of buckets: the content must not depend on the layout, and
    // readers must follow the layout recorded for the version they read.
    const liveBuckets = (await ProjectionBuckets.forReading(db, 'device-keys', 1)).count;
    process.env.PROJECTION_BUCKETS = String(liveBuckets + 3);
    const report = await replayProjection({ kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) }, deviceKeysProjection as never, (done) =>
      progress.push(done),
    ).finally(() => delete process.env.PROJECTION_BUCKETS);

    expect(report.version).toBe(2);
    expect(report.buckets).toBe(liveBuckets + 3);
    // Per device: its announcement by its first request (issue 15), then its keys; and the fence
    // marker each processor appended to each partition it took (writer-fence.ts).
    const markers = (await readTopic(env, 'events')).filter((m) => (JSON.parse(m.value!.toString()) as { type: string }).type === 'WriterStarted').length;
    expect(markers).toBeGreaterThan(0);
    expect(report.events).toBe(2 * plan.length + markers);
    expect(progress[progress.length - 1]).toBe(2 * plan.length + markers);
    const rebuilt = await collectionDigest(await ProjectionBuckets.forReading(db, 'device-keys', 2));
    expect(rebuilt).toEqual(live);

    // A replay whose memory holds one document goes back to reading the store and guarded writes
    // for the rest: the same documents either way.
    process.env.REPLAY_MEMORY_ENTRIES = '1';
    const guarded = await replayProjection(
      { kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) },
      deviceKeysProjection as never,
      () => undefined,
    ).finally(() => delete process.env.REPLAY_MEMORY_ENTRIES);
    expect(await collectionDigest(await ProjectionBuckets.forReading(db, 'device-keys', guarded.version))).toEqual(live);

    // One whose memory fills half-way writes what it held back so far, then goes on guarded.
    process.env.REPLAY_MEMORY_ENTRIES = String(Math.ceil(plan.length / 2));
    const overflowed = await replayProjection(
      { kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) },
      deviceKeysProjection as never,
      () => undefined,
    ).finally(() => delete process.env.REPLAY_MEMORY_ENTRIES);
    await admin.disconnect();
    expect(await collectionDigest(await ProjectionBuckets.forReading(db, 'device-keys', overflowed.version))).toEqual(live);
    expect(await new ProjectionRegistry(db).active('device-keys')).toBe(4);
    expect(await (await ProjectionBuckets.forReading(db, 'device-keys', 1)).countDocuments()).toBe(users.length); // the old version stays

    // A write after the switch shows up through the new version (the projector moved to it).
    const late = '@replay-late:test.local';
    const keys = signedDeviceKeys(newDeviceIdentity(late, 'LATE'));
    expect((await new MatrixClient(system.apis[0].url, tokenFor(late, 'LATE')).upload({ device_keys: keys })).status).toBe(200);
    const query = await client.query({ device_keys: { [late]: [] } });
    expect(query.body.device_keys[late].LATE).toEqual({ ...keys, unsigned: {} });
    expect(await (await ProjectionBuckets.forReading(db, 'device-keys', 4)).countDocuments()).toBe(users.length + 1);
  });
});
