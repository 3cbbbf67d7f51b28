import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { RunningApi, cleanUp, startApi, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { TcpProxy } from '../helpers/tcp-proxy';

/** MongoDB or Kafka out of reach: 503 M_UNKNOWN with Retry-After, and recovery without a restart. */
describe('dependency outages', () => {
  const env = suiteEnv('outage');
  let system: Awaited<ReturnType<typeof startSystem>>;
  const userId = '@outage:test.local';
  const keys = signedDeviceKeys(newDeviceIdentity(userId, 'O1'));
  // Never queried before the cut: the API holds no copy of its devices, so the read needs the store.
  const unread = '@outage-unread:test.local';

  beforeAll(async () => {
    system = await startSystem(env, 1);
    await new MatrixClient(system.apis[0].url, tokenFor(userId, 'O1')).upload({ device_keys: keys });
    await new MatrixClient(system.apis[0].url, tokenFor(unread, 'U1')).upload({ device_keys: signedDeviceKeys(newDeviceIdentity(unread, 'U1')) });
  });
  afterAll(async () => {
    await system?.stop();
    await cleanUp(env);
  });

  it('answers 503 while MongoDB is unreachable and recovers when it is back', async () => {
    const mongo = new URL(env.MONGODB_URI!);
    const proxy = new TcpProxy(mongo.hostname, Number(mongo.port));
    await proxy.open();
    // The same URI through the proxy, options kept (a MongoDB container needs directConnection=true).
    const proxied = new URL(env.MONGODB_URI!);
    proxied.host = `127.0.0.1:${proxy.port}`;
    const api: RunningApi = await startApi(env, { MONGODB_URI: proxied.toString() });
    try {
      const client = new MatrixClient(api.url, tokenFor(userId, 'O1'));
      const query = { device_keys: { [userId]: [] } };
      expect((await client.query(query)).status).toBe(200);

      await proxy.cut();
      // (A copy of userId's devices may still answer from memory; a read of another user cannot.)
      const down = await client.query({ device_keys: { [unread]: [] } });
      expect(down).toMatchObject({ status: 503, body: { errcode: 'M_UNKNOWN' } });
      expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await client.request('GET', '/health/ready')).status).toBe(503);

      await proxy.open();
      const deadline = Date.now() + 30_000;
      let back = await client.query(query);
      while (back.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        back = await client.query(query);
      }
      expect(back.body.device_keys[userId].O1.keys).toEqual(keys.keys);
    } finally {
      await api.app.close();
      await proxy.cut().catch(() => undefined);
    }
  });

  it('answers 503 with Retry-After for writes and reads while Kafka is unreachable', async () => {
    const api = await startApi(env, { KAFKA_BROKERS: '127.0.0.1:1', NO_WAIT: '1' });
    try {
      const client = new MatrixClient(api.url, tokenFor(userId, 'O1'));
      const upload = await client.upload({ device_keys: keys });
      expect(upload).toMatchObject({ status: 503, body: { errcode: 'M_UNKNOWN' } });
      expect(upload.headers.get('retry-after')).toBeTruthy();
      const query = await client.query({ device_keys: { [userId]: [] } });
      expect(query).toMatchObject({ status: 503, body: { errcode: 'M_UNKNOWN' } });
      expect((await client.request('GET', '/health')).status).toBe(200);
      expect((await client.request('GET', '/health/ready')).status).toBe(503);
    } finally {
      await api.app.close();
    }
  });
});
