import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readEvents } from '../helpers/log-reader';

/**
 * Issue 15: a device that logged in but never uploaded keys exists from its first verified request
 * on, so to-device messages (verification and key requests) reach it, on either API instance.
 */
describe('devices known from their access token', () => {
  const env = suiteEnv('sighted-devices');
  const system = systemForSuite(env, () => startSystem(env, 2));

  const as = (user: string, device: string, instance = 0) => new MatrixClient(system.apis[instance].url, tokenFor(user, device));
  const sync = async (client: MatrixClient, since?: string) => {
    const result = await client.request('GET', `/_keyserver/v1/sync${since ? `?since=${since}&timeout=0` : ''}`);
    expect(result.status).toBe(200);
    return result.body as { next_batch: string; to_device: { events: { sender: string; type: string; content: unknown }[] } };
  };

  it('delivers a to-device message to a device that never uploaded keys, by id and by *', async () => {
    const bob = as('@bob:test.local', 'BOBNOKEYS');
    const start = await sync(bob); // its first request: the device now exists
    const alice = as('@alice:test.local', 'ALICE', 1);
    await alice.upload({ device_keys: signedDeviceKeys(newDeviceIdentity('@alice:test.local', 'ALICE')) });
    const sent = await alice.request('PUT', '/_matrix/client/v3/sendToDevice/m.key.verification.request/t1', {
      messages: { '@bob:test.local': { BOBNOKEYS: { transaction_id: 'v1' } } },
    });
    expect(sent.status).toBe(200);
    expect(
      (await alice.request('PUT', '/_matrix/client/v3/sendToDevice/m.room_key_request/t2', { messages: { '@bob:test.local': { '*': { n: 2 } } } })).status,
    ).toBe(200);
    const got = await sync(bob, start.next_batch);
    expect(got.to_device.events).toEqual([
      { sender: '@alice:test.local', type: 'm.key.verification.request', content: { transaction_id: 'v1' } },
      { sender: '@alice:test.local', type: 'm.room_key_request', content: { n: 2 } },
    ]);
  });

  it('announces a device once per instance, and a known device keeps its keys and name', async () => {
    const userId = '@carol:test.local';
    const carol = as(userId, 'CAROL');
    await carol.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(userId, 'CAROL')) });
    await Promise.all([sync(carol), sync(as(userId, 'CAROL', 1)), sync(as(userId, 'CAROL', 1))]);
    const created = (await readEvents(env)).filter((e) => e.key === userId && e.type === 'DeviceDisplayNameChanged');
    expect(created).toHaveLength(1); // the second instance's announcement changed nothing
    const query = await carol.query({ device_keys: { [userId]: [] } });
    expect(Object.keys(query.body.device_keys[userId])).toEqual(['CAROL']);
  });
});
