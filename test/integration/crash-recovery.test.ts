import { MongoClient } from 'mongodb';
import { ProjectionBuckets, UserDevicesDoc } from '@app/read-models';
import { suiteEnv } from '../helpers/suite-env';
import { RunningApi, ServiceProcess, cleanUp, startApi } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readEvents } from '../helpers/log-reader';
import { planUploads, uploadAll } from '../helpers/upload-stream';

/**
 * The command-processor and the projector run as real processes and are killed with SIGKILL in
 * the middle of a stream of uploads, then restarted. Nothing acknowledged may be lost, and no
 * upload may be recorded or projected twice.
 */
describe('crash recovery of the command-processor and the projector', () => {
  const env = suiteEnv('crash', { COMMAND_TIMEOUT_MS: '4000' });
  const processor = ServiceProcess.processor(env);
  const projector = ServiceProcess.projector(env);
  let api: RunningApi;

  beforeAll(async () => {
    await Promise.all([processor.start(), projector.start()]);
    api = await startApi(env);
  });
  afterAll(async () => {
    await api?.app.close();
    await Promise.all([processor.kill('SIGTERM'), projector.kill('SIGTERM')]);
    await cleanUp(env);
  });

  it('loses nothing acknowledged and applies nothing twice', async () => {
    const plan = planUploads('crash', 40, 3);
    const crashes: Promise<void>[] = [];
    const { retries } = await uploadAll(
      () => api.url,
      plan,
      8,
      (count) => {
        if (count === 30) {
          crashes.push(
            (async () => {
              await processor.kill('SIGKILL');
              await processor.start();
            })(),
          );
        }
        if (count === 70) {
          crashes.push(
            (async () => {
              await projector.kill('SIGKILL');
              await projector.start();
            })(),
          );
        }
      },
    );
    await Promise.all(crashes);

    // Every acknowledged upload is visible, exactly as uploaded (the read waits for the projection).
    const users = [...new Set(plan.map((p) => p.userId))];
    const query = await new MatrixClient(api.url, tokenFor(users[0], 'DEV0')).query({ device_keys: Object.fromEntries(users.map((u) => [u, []])) });
    expect(query.status).toBe(200);
    for (const item of plan) {
      expect(query.body.device_keys[item.userId][item.deviceId]).toEqual({ ...item.deviceKeys, unsigned: {} });
    }

    // Exactly one event per device in the log, even for uploads that were retried across the crash.
    const uploaded = (await readEvents(env)).filter((e) => e.type === 'DeviceKeysUploaded');
    const perDevice = new Map<string, number>();
    for (const e of uploaded) perDevice.set(`${e.data.userId}/${e.data.deviceId}`, (perDevice.get(`${e.data.userId}/${e.data.deviceId}`) ?? 0) + 1);
    expect(perDevice.size).toBe(plan.length);
    expect([...perDevice.values()].every((n) => n === 1)).toBe(true);

    // And exactly one read-model document per user, listing each of its devices once.
    const client = new MongoClient(env.MONGODB_URI!);
    try {
      const buckets = await ProjectionBuckets.forReading<UserDevicesDoc>(client.db(env.MONGODB_DB), 'device-keys', 1);
      expect(await buckets.countDocuments()).toBe(users.length);
      const listed = (await Promise.all(users.map((u) => buckets.of(u).findOne({ _id: u } as never)))).flatMap((d) =>
        d!.devices.map((x) => `${d!.userId}/${x.deviceId}`),
      );
      expect(listed.sort()).toEqual(plan.map((p) => `${p.userId}/${p.deviceId}`).sort());
    } finally {
      await client.close();
    }
    process.stdout.write(`crash test: ${plan.length} uploads acknowledged, ${retries} client retries across two crashes\n`);
  });
});
