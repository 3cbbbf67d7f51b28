import { newDeviceIdentity, signedDeviceKeys, signedFallbackKey, signedOneTimeKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { expectNoKeyClaimedTwice } from '../helpers/claims';

/** One-time keys, fallback keys and claims over HTTP, with the peer behaviours clients rely on. */
describe('one-time keys, fallback keys and claims', () => {
  const env = suiteEnv('otk');
  const system = systemForSuite(env, () => startSystem(env, 1));
  let url: string;

  beforeAll(() => {
    url = system.apis[0].url;
  });

  let n = 0;
  async function newDevice() {
    const userId = `@otk${++n}-${Math.random().toString(36).slice(2, 6)}:test.local`;
    const device = newDeviceIdentity(userId, 'OTKDEV');
    const client = new MatrixClient(url, tokenFor(userId, 'OTKDEV'));
    expect((await client.upload({ device_keys: signedDeviceKeys(device) })).status).toBe(200);
    return { userId, device, client };
  }
  const claimer = () => new MatrixClient(url, tokenFor('@claimer:test.local', 'CLAIMER'));
  const claimOne = (userId: string) =>
    claimer().request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [userId]: { OTKDEV: 'signed_curve25519' } }, timeout: 10000 });

  it('always reports one_time_key_counts, with signed_curve25519: 0 when there are none', async () => {
    const { client, device } = await newDevice();
    expect((await client.upload({})).body).toEqual({ one_time_key_counts: { signed_curve25519: 0 } });
    const keys = signedOneTimeKeys(device, ['AAAAAQ', 'AAAAAg', 'AAAAAw']);
    expect((await client.upload({ one_time_keys: keys })).body).toEqual({ one_time_key_counts: { signed_curve25519: 3 } });
    expect((await client.upload({ one_time_keys: keys })).body).toEqual({ one_time_key_counts: { signed_curve25519: 3 } });
  });

  it('hands keys out oldest first, exactly as uploaded, once each; then nothing without a fallback key', async () => {
    const { userId, device, client } = await newDevice();
    const first = signedOneTimeKeys(device, ['AAAAAQ', 'AAAAAg']);
    const second = signedOneTimeKeys(device, ['AAAAAw']);
    await client.upload({ one_time_keys: first });
    await client.upload({ one_time_keys: second });
    const expected = [...Object.entries(first), ...Object.entries(second)];
    for (const [name, key] of expected) {
      const result = await claimOne(userId);
      expect(result).toMatchObject({ status: 200, body: { one_time_keys: { [userId]: { OTKDEV: { [name]: key } } }, failures: {} } });
    }
    expect((await claimOne(userId)).body).toEqual({ one_time_keys: {}, failures: {} });
    expect((await client.upload({})).body.one_time_key_counts.signed_curve25519).toBe(0);
  });

  it('refuses a known key id with other content, and ignores a handed-out key uploaded again', async () => {
    const { userId, device, client } = await newDevice();
    const keys = signedOneTimeKeys(device, ['AAAAAQ']);
    await client.upload({ one_time_keys: keys });
    const changed = await client.upload({ one_time_keys: { 'signed_curve25519:AAAAAQ': Object.values(signedOneTimeKeys(device, ['x']))[0] } });
    expect(changed).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });
    await claimOne(userId);
    expect(await client.upload({ one_time_keys: keys })).toMatchObject({ status: 200, body: { one_time_key_counts: { signed_curve25519: 0 } } });
    expect((await claimOne(userId)).body.one_time_keys).toEqual({});
  });

  it('returns the fallback key when the pool is empty, again until it is replaced', async () => {
    const { userId, device, client } = await newDevice();
    const fallback = signedFallbackKey(device, 'FB1');
    await client.upload({ one_time_keys: signedOneTimeKeys(device, ['AAAAAQ']), fallback_keys: fallback });
    expect(Object.keys((await claimOne(userId)).body.one_time_keys[userId].OTKDEV)).toEqual(['signed_curve25519:AAAAAQ']);
    for (let i = 0; i < 2; i++) {
      const result = await claimOne(userId);
      expect(result.body.one_time_keys[userId].OTKDEV).toEqual(fallback);
      expect(result.body.one_time_keys[userId].OTKDEV['signed_curve25519:FB1'].fallback).toBe(true);
    }
    const replacement = signedFallbackKey(device, 'FB2');
    await client.upload({ fallback_keys: replacement });
    expect((await claimOne(userId)).body.one_time_keys[userId].OTKDEV).toEqual(replacement);
  });

  it('refuses bad key names, unsigned signed_ keys, two fallback keys of one algorithm, and too many keys', async () => {
    const { device, client } = await newDevice();
    const one = Object.values(signedOneTimeKeys(device, ['a']))[0];
    expect(await client.upload({ one_time_keys: { nocolon: one } })).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    expect(await client.upload({ one_time_keys: { 'signed_curve25519:A': { key: 'abc' } } })).toMatchObject({
      status: 400,
      body: { errcode: 'M_INVALID_SIGNATURE' },
    });
    expect(await client.upload({ one_time_keys: { 'signed_curve25519:A': 5 } })).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    expect(await client.upload({ fallback_keys: { ...signedFallbackKey(device, 'F1'), ...signedFallbackKey(device, 'F2') } })).toMatchObject({
      status: 400,
      body: { errcode: 'M_INVALID_PARAM' },
    });
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`curve25519:${i}`, 'k']));
    expect(await client.upload({ one_time_keys: many })).toMatchObject({ status: 413, body: { errcode: 'M_TOO_LARGE' } });
    expect((await client.upload({})).body.one_time_key_counts).toEqual({ signed_curve25519: 0 });
  });

  it('leaves unknown users and devices out, reports remote servers in failures, and validates the body', async () => {
    const { userId } = await newDevice();
    const result = await claimer().request('POST', '/_matrix/client/r0/keys/claim', {
      one_time_keys: {
        [userId]: { NOPE: 'signed_curve25519' },
        '@ghost:test.local': { X: 'signed_curve25519' },
        '@far:remote.example': { Y: 'signed_curve25519' },
      },
    });
    expect(result).toMatchObject({ status: 200, body: { one_time_keys: {}, failures: { 'remote.example': expect.any(Object) } } });
    for (const body of [{}, { one_time_keys: [] }, { one_time_keys: { [userId]: ['OTKDEV'] } }, { one_time_keys: { [userId]: { OTKDEV: 1 } } }]) {
      expect(await claimer().request('POST', '/_matrix/client/v3/keys/claim', body)).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    }
  });

  it('records no one-time key as claimed twice in e2ee.events', async () => {
    expect(await expectNoKeyClaimedTwice(env)).toBeGreaterThan(0);
  });
});
