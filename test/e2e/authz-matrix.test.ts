import { ALICE_ROOM, AuthzFixture, rk } from '../helpers/authz/fixture';
import { backupRows } from '../helpers/authz/backup-rows';
import { keyRows } from '../helpers/authz/key-rows';
import { Row, changesPath, keysPath } from '../helpers/authz/row';
import { settle } from '../helpers/settle';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp, startSystem } from '../helpers/system';

/**
 * Issue 16's authorization matrix: for every keys-api endpoint that reads or writes per-user data,
 * the owner's request, another device of the same user and another user. The user always comes from
 * the token, so the cross-user rows name Alice (or her version id, room, device) in the path or body.
 * After each row Alice's keys, counts and backup are read back by Alice: a row changes them only
 * where it says so (a claim consumes a key: claims and /keys/query are public by design).
 */
describe('authorization matrix', () => {
  const env = suiteEnv('authz');
  let system: Awaited<ReturnType<typeof startSystem>>;
  const f = new AuthzFixture();

  beforeAll(async () => {
    system = await startSystem(env, 1);
    await f.setUp(system.apis[0].url);
    await settle(env, 'device-lists');
  });
  afterAll(async () => {
    await system?.stop();
    await cleanUp(env);
  });

  const rows: Row[] = [...keyRows(f), ...backupRows(f)];
  const room = encodeURIComponent(ALICE_ROOM);

  it.each(rows.map((row) => [`${row.endpoint} · ${row.who}: ${row.what}`, row] as const))('%s', async (_name, row) => {
    const before = await f.aliceState();
    const result = await row.act();
    expect({ status: result.status, body: row.expected.body === undefined ? undefined : result.body }).toEqual({
      status: row.expected.status,
      body: row.expected.body,
    });
    expect(await f.aliceState()).toEqual((row.aliceAfter ?? ((s) => s))(before));
    await row.check?.();
  });

  it('covers every endpoint with per-user data by another user, and the unauthenticated request is refused on each', async () => {
    const crossUser = new Set(rows.filter((r) => r.who === 'other user').map((r) => r.endpoint));
    expect([...new Set(rows.map((r) => r.endpoint))].filter((e) => !crossUser.has(e))).toEqual([]);
    for (const [method, path] of [
      ['POST', keysPath('upload')],
      ['POST', keysPath('claim')],
      ['GET', changesPath(f.since.A1)],
      ['POST', keysPath('device_signing/upload')],
      ['POST', keysPath('signatures/upload')],
      ['PUT', '/_matrix/client/v3/sendToDevice/m.test/anon'],
      ['GET', '/_keyserver/v1/sync'],
      ['GET', rk('version')],
      ['POST', rk('version')],
      ['GET', rk('version/1')],
      ['PUT', rk('version/1')],
      ['DELETE', rk('version/1')],
      ['GET', rk('keys?version=1')],
      ['PUT', rk(`keys/${room}?version=1`)],
      ['DELETE', rk(`keys/${room}/s-alice?version=1`)],
    ] as const) {
      expect({ method, path, ...(await f.anonymous.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {})) }).toMatchObject({
        method,
        path,
        status: 401,
        body: { errcode: 'M_MISSING_TOKEN' },
      });
    }
    expect((await f.aliceState()).backup).toMatchObject({ auth_data: { owner: 'alice' }, version: '1' });
  });
});
