import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { eventually } from '../helpers/eventually';
import { suiteEnv } from '../helpers/suite-env';
import { systemForSuite } from '../helpers/system';
import { MatrixClient } from '../helpers/matrix-client';
import { login, register, startSynapseSystem } from '../helpers/synapse-system';

/**
 * The gateway in front of a real Synapse and the key server (issue 15): routing, the merged
 * /sync and its long-poll, devices learned from the homeserver's answers.
 */
describe('gateway beside Synapse', () => {
  const env = suiteEnv('gateway');
  const system = systemForSuite(env, () => startSynapseSystem(env));

  const through = (token?: string) => new MatrixClient(system.gatewayUrl, token);
  const sync = async (client: MatrixClient, query = '') => {
    const result = await client.request('GET', `/_matrix/client/v3/sync${query}`);
    expect(result.status).toBe(200);
    return result.body;
  };

  /**
   * Long-polls from `since` until an answer satisfies `done`. An earlier answer may carry something
   * else that also ends a long-poll (the caller's own new device in device_lists), so it polls on.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function pollUntil(client: MatrixClient, since: string, done: (body: any) => boolean, start: () => Promise<unknown>) {
    const first = sync(client, `?since=${encodeURIComponent(since)}&timeout=30000`);
    const started = Date.now();
    await start();
    let body = await first;
    while (!done(body) && Date.now() - started < 20_000) body = await sync(client, `?since=${encodeURIComponent(body.next_batch)}&timeout=30000`);
    return { body, elapsed: Date.now() - started };
  }

  it("passes the homeserver's answers through, status and body, and keeps query strings", async () => {
    const versions = await through().request('GET', '/_matrix/client/versions');
    expect(versions.status).toBe(200);
    expect(versions.body.versions).toContain('v1.1');
    expect(await through().request('GET', '/_matrix/client/v3/nope?x=1')).toMatchObject({ status: 404, body: { errcode: 'M_UNRECOGNIZED' } });
    expect(await through('bad').request('GET', '/_matrix/client/v3/account/whoami')).toMatchObject({ status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } });
    expect(await through('bad').request('POST', '/_matrix/client/v3/keys/query', { device_keys: {} })).toMatchObject({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN' },
    });
    // A body the gateway reads itself (login) over its limit: a Matrix error, not a crash.
    const huge = JSON.stringify({ type: 'm.login.password', padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(await through().request('POST', '/_matrix/client/v3/login', huge)).toMatchObject({ status: 413, body: { errcode: 'M_TOO_LARGE' } });
  });

  it('merges /sync: one token, our E2EE parts, no device_lists initially; a to-device message ends a long-poll', async () => {
    const alice = await register(system.gatewayUrl, 'alice');
    const bob = await register(system.gatewayUrl, 'bob');
    const bobClient = through(bob.accessToken);
    const initial = await sync(bobClient);
    expect(initial.next_batch).toMatch(/^gw1\./);
    expect(initial.device_lists).toBeUndefined();
    expect(initial).toMatchObject({ to_device: { events: [] }, device_one_time_keys_count: { signed_curve25519: 0 }, device_unused_fallback_key_types: [] });

    // bob never uploaded keys: the device exists from registration (and its first request).
    const aliceClient = through(alice.accessToken);
    const send = async () =>
      expect(
        (
          await aliceClient.request('PUT', '/_matrix/client/v3/sendToDevice/m.key.verification.request/t1', {
            messages: { [bob.userId]: { [bob.deviceId]: { transaction_id: 'v1' } } },
          })
        ).status,
      ).toBe(200);
    const { body: woken, elapsed } = await pollUntil(bobClient, initial.next_batch, (b) => b.to_device.events.length > 0, send);
    expect(elapsed).toBeLessThan(20_000); // not the 30 s timeout: the message ended the wait
    expect(woken.to_device.events).toEqual([{ sender: alice.userId, type: 'm.key.verification.request', content: { transaction_id: 'v1' } }]);
    const after = await sync(bobClient, `?since=${encodeURIComponent(woken.next_batch)}&timeout=0`);
    expect(after.to_device.events).toEqual([]);
  });

  it('a homeserver event ends the long-poll too (an invite), filters pass through', async () => {
    const carol = await register(system.gatewayUrl, 'carol');
    const dave = await register(system.gatewayUrl, 'dave');
    const daveClient = through(dave.accessToken);
    const since = (await sync(daveClient, '?filter=%7B%22room%22%3A%7B%22timeline%22%3A%7B%22limit%22%3A1%7D%7D%7D')).next_batch;
    let roomId = '';
    const invite = async () => {
      const room = await through(carol.accessToken).request('POST', '/_matrix/client/v3/createRoom', { invite: [dave.userId] });
      expect(room.status).toBe(200);
      roomId = room.body.room_id;
    };
    const { body: woken, elapsed } = await pollUntil(daveClient, since, (b) => Object.keys(b.rooms?.invite ?? {}).length > 0, invite);
    expect(elapsed).toBeLessThan(20_000);
    expect(Object.keys(woken.rooms.invite)).toEqual([roomId]);
  });

  it('learns devices from the homeserver: a second login appears, a logout removes its keys', async () => {
    const erin = await register(system.gatewayUrl, 'erin');
    const phone = await login(system.gatewayUrl, 'erin', 'Phone');
    const phoneClient = through(phone.accessToken);
    expect((await phoneClient.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(erin.userId, phone.deviceId)) })).status).toBe(200);
    const query = () => through(erin.accessToken).query({ device_keys: { [erin.userId]: [] } });
    // The name comes by hs.events (published before the login was answered, then ingested): asynchronous.
    const listed = await eventually(query, (r) => r.body.device_keys[erin.userId][phone.deviceId]?.unsigned?.device_display_name === 'Phone');
    expect(listed.body.device_keys[erin.userId][phone.deviceId].unsigned).toEqual({ device_display_name: 'Phone' });
    // The keys went to the key server only: Synapse itself has none.
    const atSynapse = await new MatrixClient(system.homeserverUrl, erin.accessToken).query({ device_keys: { [erin.userId]: [] } });
    expect(atSynapse.body.device_keys[erin.userId]).toEqual({});
    expect((await phoneClient.request('POST', '/_matrix/client/v3/logout', {})).status).toBe(200);
    const gone = await eventually(query, (r) => r.body.device_keys[erin.userId][phone.deviceId] === undefined);
    expect(gone.body.device_keys[erin.userId][phone.deviceId]).toBeUndefined();
    // The key server caches token checks for 30 s, but drops a deleted device's tokens once it sees
    // the deletion: the logged-out token is refused long before its entry would expire.
    const refused = await eventually(
      () => phoneClient.query({ device_keys: {} }),
      (r) => r.status === 401,
    );
    expect(refused.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
  });
});
