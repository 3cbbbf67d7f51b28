import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { signJwt } from '../helpers/jwt';

/** A batch of malformed bodies and bad tokens: each gets a Matrix error with a 4xx status, never a 500. */
describe('bad input gets Matrix errors', () => {
  const env = suiteEnv('malformed', { BODY_LIMIT_BYTES: '65536', APPSERVICE_HS_TOKEN: 'hs-malformed' });
  const system = systemForSuite(env, () => startSystem(env, 1));
  let url: string;
  const userId = '@mal:test.local';

  beforeAll(() => {
    url = system.apis[0].url;
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
    // Found by the fuzz tier (issue 16): the canonical-JSON encoder overflowed the stack, a 500.
    [
      'a value nested 5,000 arrays deep inside device_keys',
      'upload',
      `{"device_keys":${JSON.stringify(valid).slice(0, -1)},"deep":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
      'M_BAD_JSON',
    ],
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
    const result = await client.request('POST', '/_matrix/client/v3/keys/query', JSON.stringify({ device_keys: { [userId]: [] } }), {
      'content-type': 'text/plain',
    });
    expect(result.status).toBe(200);
  });

  const tokens: [string, Record<string, string>, string][] = [
    ['no token', {}, 'M_MISSING_TOKEN'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'M_MISSING_TOKEN'],
    ['another scheme', { authorization: 'Basic abc' }, 'M_MISSING_TOKEN'],
    ['a garbage token', { authorization: 'Bearer garbage' }, 'M_UNKNOWN_TOKEN'],
    [
      'a token signed with another secret',
      { authorization: `Bearer ${signJwt('other', { sub: userId, device_id: 'M1', exp: 4102444800 })}` },
      'M_UNKNOWN_TOKEN',
    ],
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

  /** Status below 500 and, for an error, a Matrix body (a 401 challenge carries `flows` instead). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  function expectMatrixAnswer(result: { status: number; body: any }, what: string) {
    const seen = `${what} -> ${result.status} ${JSON.stringify(result.body)}`;
    expect({ seen, under500: result.status < 500 }).toEqual({ seen, under500: true });
    if (result.status >= 400 && !(result.status === 401 && result.body?.flows)) {
      expect({ seen, errcode: result.body?.errcode, error: typeof result.body?.error }).toEqual({
        seen,
        errcode: expect.stringMatching(/^M_[A-Z_]+$/),
        error: 'string',
      });
    }
  }

  describe('keys named like Object.prototype members', () => {
    const NAMES = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    const room = '!room:test.local';
    const session = { first_message_index: 0, forwarded_count: 0, is_verified: false, session_data: { ephemeral: 'e', ciphertext: 'c', mac: 'm' } };
    const master = { user_id: userId, usage: ['master'], keys: { 'ed25519:masterkey': 'masterkey' } };
    // Templates as JSON text: "$K" becomes the name, so that `__proto__` is a real key as JSON.parse makes it.
    const j = (value: unknown) => JSON.stringify(value);
    const v = j(valid).slice(1, -1);
    const sessionJson = j(session).slice(1, -1);
    const member = (extra: string) =>
      `{"type": "m.room.member", "event_id": "$e1", "room_id": "!r:test.local", "state_key": "${userId}", "content": {"membership": "join"${extra}}}`;
    const endpoints: [string, string, string[]][] = [
      [
        'POST',
        '/_matrix/client/v3/keys/upload',
        [
          '{"$K": {"$K": {}}}',
          '{"one_time_keys": {"$K": {"$K": 1}}}',
          '{"one_time_keys": {"signed_curve25519:$K": {"key": "k", "$K": {"$K": []}}}}',
          '{"fallback_keys": {"$K": "k"}}',
          `{"device_keys": {${v}, "$K": {"$K": {"$K": 1}}}}`,
          `{"device_keys": {${v}, "keys": {"$K": "x"}}}`,
          `{"device_keys": {${v}, "signatures": {"$K": {"$K": "s"}}}}`,
          `{"device_keys": {${v}, "unsigned": {"$K": {}}}}`,
        ],
      ],
      [
        'POST',
        '/_matrix/client/v3/keys/query',
        [
          '{"timeout": {"$K": {}}, "device_keys": {}}',
          '{"device_keys": {"$K": []}}',
          '{"device_keys": {"$K": {"$K": []}}}',
          `{"device_keys": {"${userId}": ["$K"]}, "$K": {"$K": 1}}`,
          `{"device_keys": {"${userId}": {"$K": ["$K"]}}}`,
          '{"token": {"$K": "x"}, "device_keys": {}}',
        ],
      ],
      [
        'POST',
        '/_matrix/client/v3/keys/claim',
        [
          '{"one_time_keys": {"$K": {"DEV": "signed_curve25519"}}}',
          `{"one_time_keys": {"${userId}": {"$K": "signed_curve25519"}}}`,
          `{"one_time_keys": {"${userId}": {"M1": "$K"}}}`,
          `{"one_time_keys": {"${userId}": {"$K": {"$K": 1}}}}`,
          '{"one_time_keys": {}, "timeout": {"$K": {}}, "$K": []}',
        ],
      ],
      [
        'POST',
        '/_matrix/client/v3/keys/device_signing/upload',
        [
          '{"$K": {"$K": {}}}',
          '{"master_key": {"$K": {}}}',
          `{"master_key": {"user_id": "${userId}", "usage": ["master"], "keys": {"$K": "x"}}}`,
          `{"master_key": ${j(master)}, "self_signing_key": {"$K": {"$K": []}}}`,
          `{"master_key": ${j(master)}, "auth": {"$K": {}, "type": {"$K": 1}}}`,
        ],
      ],
      [
        'POST',
        '/_matrix/client/v3/keys/signatures/upload',
        [
          '{"$K": {"$K": {}}}',
          `{"${userId}": {"$K": {"$K": {"$K": 1}}}}`,
          `{"${userId}": {"M1": {${v}, "signatures": {"$K": {"$K": "s"}}}}}`,
          `{"${userId}": {"masterkey": {"$K": []}}}`,
        ],
      ],
      [
        'PUT',
        '/_matrix/client/v3/sendToDevice/m.test/txn-$K-$I',
        [
          '{"messages": {"$K": {"$K": {}}}}',
          `{"messages": {"${userId}": {"$K": {"$K": {"$K": 1}}}}}`,
          `{"messages": {"${userId}": {"*": {"$K": []}}}, "$K": 1}`,
          `{"messages": {"${userId}": {"$K": "not an object"}}}`,
        ],
      ],
      [
        'POST',
        '/_matrix/client/v3/room_keys/version',
        [
          '{"algorithm": "$K", "auth_data": {"$K": {"$K": 1}}}',
          '{"$K": {}, "algorithm": "m.megolm_backup.v1.curve25519-aes-sha2", "auth_data": {}}',
          '{"algorithm": {"$K": 1}, "auth_data": {}}',
        ],
      ],
      [
        'PUT',
        '/_matrix/client/v3/room_keys/version/1',
        [
          '{"algorithm": "$K", "auth_data": {"$K": 1}, "version": {"$K": 1}}',
          '{"algorithm": "m.megolm_backup.v1.curve25519-aes-sha2", "auth_data": {"$K": []}, "$K": 1}',
        ],
      ],
      [
        'PUT',
        '/_matrix/client/v3/room_keys/keys?version=1',
        [
          `{"rooms": {"$K": {"sessions": {"$K": {${sessionJson}, "session_data": {"$K": {}}}}}}}`,
          `{"rooms": {"${room}": {"$K": {}}}}`,
          '{"rooms": {"$K": "x"}, "$K": {}}',
        ],
      ],
      [
        'PUT',
        `/_matrix/client/v3/room_keys/keys/${encodeURIComponent(room)}?version=1`,
        [`{"sessions": {"$K": {${sessionJson}, "$K": 1}}}`, '{"sessions": {"$K": {"$K": {}}}}'],
      ],
      ['PUT', '/_matrix/client/v3/room_keys/keys/$K/$K?version=$K', [`{${sessionJson}, "$K": {"$K": 1}}`]],
      [
        'PUT',
        '/_matrix/app/v1/transactions/txn-$K-$I',
        [
          '{"events": [{"$K": {"$K": 1}}], "$K": 1}',
          `{"events": [${member(', "$K": {"$K": []}')}]}`,
          `{"events": [{"type": "m.room.member", "event_id": "$e2", "room_id": "!$K:test.local", "state_key": "$K", "content": {"membership": "$K"}}]}`,
          '{"events": [{"type": "m.room.encryption", "event_id": "$e3", "room_id": "!$K:test.local", "state_key": "", "content": {"algorithm": "$K"}}]}',
        ],
      ],
    ];
    const cases = endpoints.flatMap(([method, path, templates]) =>
      NAMES.flatMap((name) =>
        templates.map((template, i): [string, string, string] => [
          method,
          path.replaceAll('$K', encodeURIComponent(name)).replace('$I', String(i)),
          template.replaceAll('"$K"', j(name)).replaceAll('$K', name),
        ]),
      ),
    );

    it(`never answer 500: ${cases.length} bodies over every endpoint that takes one`, async () => {
      const client = new MatrixClient(url, tokenFor(userId, 'M1'));
      const homeserver = new MatrixClient(url, 'hs-malformed');
      expect((await client.upload({ device_keys: valid })).status).toBe(200);
      for (const [method, path, body] of cases) {
        const result = await (path.startsWith('/_matrix/app') ? homeserver : client).request(method, path, body);
        expectMatrixAnswer(result, `${method} ${path} ${body}`);
      }
      // The partition still decides: nothing above left a command that cannot be decided.
      const later = await client.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [userId]: { M1: 'signed_curve25519' } } });
      expect(later.status).toBe(200);
    });

    it.each(NAMES)('a device whose id is %s uploads, is queried and claimed like any other', async (deviceId) => {
      const owner = `@proto-${NAMES.indexOf(deviceId)}:test.local`;
      const identity = newDeviceIdentity(owner, deviceId);
      const client = new MatrixClient(url, tokenFor(owner, deviceId));
      const uploaded = await client.upload({ device_keys: signedDeviceKeys(identity), one_time_keys: signedOneTimeKeys(identity, ['AAAAAQ']) });
      expect(uploaded).toMatchObject({ status: 200, body: { one_time_key_counts: { signed_curve25519: 1 } } });

      const other = new MatrixClient(url, tokenFor(userId, 'M1'));
      const queried = await other.query({ device_keys: { [owner]: [] } });
      expect(queried.status).toBe(200);
      expect(Object.keys(queried.body.device_keys[owner])).toEqual([deviceId]);
      const claimed = await other.request(
        'POST',
        '/_matrix/client/v3/keys/claim',
        `{"one_time_keys": {"${owner}": {${JSON.stringify(deviceId)}: "signed_curve25519"}}}`,
      );
      expect(claimed.status).toBe(200);
      expect(Object.keys(claimed.body.one_time_keys[owner])).toEqual([deviceId]);
      const sent = await other.request(
        'PUT',
        `/_matrix/client/v3/sendToDevice/m.test/to-${encodeURIComponent(deviceId)}`,
        `{"messages": {"${owner}": {${JSON.stringify(deviceId)}: {"n": 1}}}}`,
      );
      expect(sent.status).toBe(200);
      expect((await client.upload({})).body.one_time_key_counts).toEqual({ signed_curve25519: 0 });
    });
  });

  describe('long path parameters and what Node or Fastify refuse before any route', () => {
    const client = () => new MatrixClient(url, tokenFor(userId, 'M1'));
    const long = 'x'.repeat(2000);

    it.each([
      ['a 2,000-character txn id', 'PUT', `/_matrix/client/v3/sendToDevice/m.test/${long}`, { messages: {} }],
      ['a 2,000-character event type', 'PUT', `/_matrix/client/v3/sendToDevice/${long}/t1`, { messages: {} }],
      ['a 2,000-character room id (PUT)', 'PUT', `/_matrix/client/v3/room_keys/keys/!${long}:test.local?version=1`, { sessions: {} }],
      ['a 2,000-character room id (GET)', 'GET', `/_matrix/client/v3/room_keys/keys/!${long}:test.local?version=1`, undefined],
      ['a 2,000-character session id (DELETE)', 'DELETE', `/_matrix/client/v3/room_keys/keys/!r:test.local/${long}?version=1`, undefined],
      ['a 256-byte room id (multi-byte)', 'GET', `/_matrix/client/v3/room_keys/keys/${encodeURIComponent('!' + 'é'.repeat(127) + 'x')}?version=1`, undefined],
      ['a 2,000-character backup version', 'GET', `/_matrix/client/v3/room_keys/version/${'1'.repeat(2000)}`, undefined],
      ['a 2,000-character user id (admin)', 'POST', `/_synapse/admin/v1/users/@${long}:test.local/_allow_cross_signing_replacement_without_uia`, {}],
      ['a 10,000-character txn id of an application-service push', 'PUT', `/_matrix/app/v1/transactions/${'t'.repeat(10_000)}`, { events: [] }],
    ])('%s: 400 M_INVALID_PARAM', async (_name, method, path, body) => {
      const result = await client().request(method, path, body);
      expect(result).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM', error: expect.any(String) } });
    });

    it('lets a 255-byte room id through to the route', async () => {
      const result = await client().request('GET', `/_matrix/client/v3/room_keys/keys/!${'r'.repeat(242)}:test.local?version=1`);
      expect([200, 404]).toContain(result.status); // the route answered (whether a backup exists or not)
    });

    it('answers a bad %-escape in the path with a Matrix error', async () => {
      const result = await client().request('PUT', '/_matrix/client/v3/sendToDevice/m.test/%zz', { messages: {} });
      expect(result).toMatchObject({ status: 400, body: { errcode: expect.stringMatching(/^M_/), error: expect.any(String) } });
    });

    it('answers a request line over 16 KiB with 431 and a Matrix body', async () => {
      const result = await client().request('GET', `/_matrix/client/v3/room_keys/version/${'1'.repeat(20_000)}`);
      expect(result).toMatchObject({ status: 431, body: { errcode: 'M_TOO_LARGE', error: expect.any(String) } });
    });
  });
});
