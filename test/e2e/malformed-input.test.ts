import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { signJwt } from '../../apps/keys-api/src/auth/jwt-token-verifier';

/** A batch of malformed bodies and bad tokens: each gets a Matrix error with a 4xx status, never a 500. */
describe('bad input gets Matrix errors', () => {
  const env = suiteEnv('malformed', { BODY_LIMIT_BYTES: '65536' });
  let system: Awaited<ReturnType<typeof startSystem>>;
  let url: string;
  const userId = '@mal:test.local';

  beforeAll(async () => {
    system = await startSystem(env, 1);
    url = system.apis[0].url;
  });
  afterAll(async () => {
    await system?.stop();
    await cleanUp(env);
  });

  const valid = signedDeviceKeys(newDeviceIdentity(userId, 'M1'));
  const bodies: [string, 'upload' | 'query', unknown, string][] = [
    ['not JSON', 'upload', '{"device_keys":', 'M_NOT_JSON'],
    ['a JSON array', 'upload', [], 'M_BAD_JSON'],
    ['a JSON string', 'upload', '"x"', 'M_BAD_JSON'],
    ['a JSON number', 'query', '12', 'M_BAD_JSON'],
    ['null', 'query', 'null', 'M_BAD_JSON'],
    ['device_keys as an array', 'upload', { device_keys: [valid] }, 'M_BAD_JSON'],
    ['device_keys as a string', 'upload', { device_keys: 'keys' }, 'M_BAD_JSON'],
    ['device_keys without keys', 'upload', { device_keys: { ...valid, keys: undefined } }, 'M_BAD_JSON'],
    ['device_keys.keys with a number', 'upload', { device_keys: { ...valid, keys: { 'ed25519:M1': 5 } } }, 'M_BAD_JSON'],
    ['device_keys.algorithms with an object', 'upload', { device_keys: { ...valid, algorithms: [{}] } }, 'M_BAD_JSON'],
    ['device_keys.signatures flat', 'upload', { device_keys: { ...valid, signatures: { [userId]: 'sig' } } }, 'M_BAD_JSON'],
    ['device_keys.user_id a number', 'upload', { device_keys: { ...valid, user_id: 7 } }, 'M_BAD_JSON'],
    ['a float inside device_keys', 'upload', { device_keys: { ...valid, extra: 0.5 } }, 'M_BAD_JSON'],
    ['an integer beyond 2^53 inside device_keys', 'upload', `{"device_keys":${JSON.stringify(valid).slice(0, -1)},"big":18014398509481984}}`, 'M_BAD_JSON'],
    ['one_time_keys as an array', 'upload', { one_time_keys: [] }, 'M_BAD_JSON'],
    ['an empty query', 'query', {}, 'M_BAD_JSON'],
    ['device_keys as an array in a query', 'query', { device_keys: [userId] }, 'M_BAD_JSON'],
    ['device lists of numbers', 'query', { device_keys: { [userId]: [1, 2] } }, 'M_BAD_JSON'],
    ['a device list that is an object', 'query', { device_keys: { [userId]: {} } }, 'M_BAD_JSON'],
    ['a query for something that is not a user id', 'query', { device_keys: { alice: [] } }, 'M_INVALID_PARAM'],
    ['a string timeout', 'query', { device_keys: { [userId]: [] }, timeout: 'soon' }, 'M_BAD_JSON'],
    ['a body over the size limit', 'upload', { device_keys: valid, padding: 'x'.repeat(70_000) }, 'M_TOO_LARGE'],
  ];

  it.each(bodies)('%s', async (_name, endpoint, body, errcode) => {
    const client = new MatrixClient(url, tokenFor(userId, 'M1'));
    const result = endpoint === 'upload' ? await client.upload(body) : await client.query(body);
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.status).toBeLessThan(500);
    expect(result.body).toEqual({ errcode, error: expect.any(String) });
  });

  it('answers a body without a content type as JSON, as Synapse does', async () => {
    const client = new MatrixClient(url, tokenFor(userId, 'M1'));
    const result = await client.request('POST', '/_matrix/client/v3/keys/query', JSON.stringify({ device_keys: { [userId]: [] } }), { 'content-type': 'text/plain' });
    expect(result.status).toBe(200);
  });

  const tokens: [string, Record<string, string>, string][] = [
    ['no token', {}, 'M_MISSING_TOKEN'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'M_MISSING_TOKEN'],
    ['another scheme', { authorization: 'Basic abc' }, 'M_MISSING_TOKEN'],
    ['a garbage token', { authorization: 'Bearer garbage' }, 'M_UNKNOWN_TOKEN'],
    ['a token signed with another secret', { authorization: `Bearer ${signJwt('other', { sub: userId, device_id: 'M1', exp: 4102444800 })}` }, 'M_UNKNOWN_TOKEN'],
    ['an expired token', { authorization: `Bearer ${signJwt('test-secret', { sub: userId, device_id: 'M1', exp: 1 })}` }, 'M_UNKNOWN_TOKEN'],
  ];

  it.each(tokens)('%s gives 401 %s', async (_name, headers, errcode) => {
    const client = new MatrixClient(url);
    for (const path of ['/_matrix/client/v3/keys/upload', '/_matrix/client/r0/keys/query']) {
      const result = await client.request('POST', path, { device_keys: {} }, headers);
      expect(result).toMatchObject({ status: 401, body: { errcode } });
    }
  });

  it('accepts the deprecated access_token query parameter', async () => {
    const client = new MatrixClient(url);
    const result = await client.request('POST', `/_matrix/client/v3/keys/query?access_token=${tokenFor(userId, 'M1')}`, { device_keys: { [userId]: [] } });
    expect(result.status).toBe(200);
  });

  it('refuses an upload from a token without a device', async () => {
    const result = await new MatrixClient(url, tokenFor(userId, undefined)).upload({ device_keys: valid });
    expect(result).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
  });

  it('answers unknown paths and methods with M_UNRECOGNIZED', async () => {
    const client = new MatrixClient(url, tokenFor(userId, 'M1'));
    expect(await client.request('GET', '/_matrix/client/v3/keys/nothing')).toMatchObject({ status: 404, body: { errcode: 'M_UNRECOGNIZED' } });
    const wrongMethod = await client.request('GET', '/_matrix/client/v3/keys/upload');
    expect(wrongMethod.body.errcode).toBe('M_UNRECOGNIZED');
  });
});
