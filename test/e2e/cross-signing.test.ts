import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { crossSigningKey, newDeviceIdentity, signObject, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { RunningApi, cleanUp, startApi, startSystem } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { settle } from '../helpers/settle';
import { MongoClient } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { ProjectionBuckets, collectionDigest, crossSigningKeysProjection } from '@app/read-models';
import { replayProjection } from '../../apps/cli/src/replay/replay-projection';

/** Cross-signing keys over HTTP: upload rules, who sees what in /keys/query, UIA, notifications. */
describe('cross-signing keys', () => {
  const env = suiteEnv('cross-signing', {
    APPSERVICE_HS_TOKEN: 'hs-secret',
    ADMIN_TOKEN: 'admin-secret',
    CROSS_SIGNING_APPROVAL_URL: 'https://account.test.local/reset',
  });
  let system: Awaited<ReturnType<typeof startSystem>>;
  let passwordApi: RunningApi;
  let homeserver: Server;
  const logins: string[] = [];

  beforeAll(async () => {
    system = await startSystem(env, 1);
    // A stand-in homeserver for AUTH_MODE=homeserver: whoami by token, password login and logout.
    homeserver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/_matrix/client/v3/account/whoami') {
          const token = (req.headers.authorization ?? '').replace('Bearer ', '');
          res.statusCode = token.startsWith('tok-') ? 200 : 401;
          return res.end(
            JSON.stringify(token.startsWith('tok-') ? { user_id: `@${token.slice(4)}:test.local`, device_id: 'PWDEV' } : { errcode: 'M_UNKNOWN_TOKEN' }),
          );
        }
        if (req.url === '/_matrix/client/v3/login' && req.method === 'GET') return res.end(JSON.stringify({ flows: [{ type: 'm.login.password' }] }));
        if (req.url === '/_matrix/client/v3/login') {
          const { identifier, password } = JSON.parse(body);
          logins.push(identifier.user);
          res.statusCode = password === 'right' ? 200 : 403;
          return res.end(
            JSON.stringify(password === 'right' ? { access_token: 'temp', user_id: identifier.user, device_id: 'TEMP' } : { errcode: 'M_FORBIDDEN' }),
          );
        }
        res.statusCode = 200;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => homeserver.listen(0, '127.0.0.1', r));
    passwordApi = await startApi(env, { AUTH_MODE: 'homeserver', HOMESERVER_URL: `http://127.0.0.1:${(homeserver.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await passwordApi?.app.close();
    homeserver?.close();
    await system?.stop();
    await cleanUp(env);
  });

  const as = (user: string) => new MatrixClient(system.apis[0].url, tokenFor(user, 'DEV'));
  const uploadSigning = (client: MatrixClient, body: Record<string, unknown>) => client.request('POST', '/_matrix/client/v3/keys/device_signing/upload', body);
  const query = (client: MatrixClient, user: string) => client.request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [user]: [] } });

  it('first upload needs no auth; keys come back exactly as uploaded; user-signing keys only to their owner', async () => {
    const user = '@cs1:test.local';
    const master = crossSigningKey(user, 'master');
    const self = crossSigningKey(user, 'self_signing', master);
    const userSigning = crossSigningKey(user, 'user_signing', master);
    // Clients that know the password send it with the first upload; it needs none, so none is checked.
    const keys = { master_key: master.object, self_signing_key: self.object, user_signing_key: userSigning.object };
    expect((await uploadSigning(as(user), { ...keys, auth: { type: 'm.login.password', user, password: 'whatever' } })).status).toBe(200);
    const other = (await query(as('@someone:test.local'), user)).body;
    expect(other.master_keys).toEqual({ [user]: master.object });
    expect(other.self_signing_keys).toEqual({ [user]: self.object });
    expect(other.user_signing_keys).toEqual({});
    expect((await query(as(user), user)).body.user_signing_keys).toEqual({ [user]: userSigning.object });
    // Identical: no UIA (and the unstable prefix answers the same).
    expect(
      (await as(user).request('POST', '/_matrix/client/unstable/keys/device_signing/upload', { master_key: master.object, self_signing_key: self.object }))
        .status,
    ).toBe(200);
  });

  it('replacing keys answers a 401 challenge; the operator approval (admin endpoint) then lets the retry through', async () => {
    const user = '@cs2:test.local';
    await uploadSigning(as(user), { master_key: crossSigningKey(user, 'master').object });
    const replacement = crossSigningKey(user, 'master');
    const challenged = await uploadSigning(as(user), { master_key: replacement.object });
    expect(challenged.status).toBe(401);
    const url = 'https://account.test.local/reset';
    expect(challenged.body).toEqual({
      flows: [{ stages: ['m.oauth'] }, { stages: ['org.matrix.cross_signing_reset'] }],
      params: { 'm.oauth': { url }, 'org.matrix.cross_signing_reset': { url } },
      session: expect.any(String),
      completed: [],
    });

    const admin = (token?: string) =>
      new MatrixClient(system.apis[0].url, token).request(
        'POST',
        `/_synapse/admin/v1/users/${encodeURIComponent(user)}/_allow_cross_signing_replacement_without_uia`,
        {},
      );
    expect(await admin()).toMatchObject({ status: 401, body: { errcode: 'M_MISSING_TOKEN' } });
    const noMaster = '@cs-nomaster:test.local';
    expect(
      await new MatrixClient(system.apis[0].url, 'admin-secret').request(
        'POST',
        `/_synapse/admin/v1/users/${encodeURIComponent(noMaster)}/_allow_cross_signing_replacement_without_uia`,
        {},
      ),
    ).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    expect(await admin('wrong')).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    const approved = await admin('admin-secret');
    expect(approved.status).toBe(200);
    expect(approved.body.updatable_without_uia_before_ms).toBeGreaterThan(Date.now());

    expect((await uploadSigning(as(user), { master_key: replacement.object, auth: { type: 'm.oauth', session: challenged.body.session } })).status).toBe(200);
    expect((await query(as(user), user)).body.master_keys).toEqual({ [user]: replacement.object });
    // The approval was for the replaced key: another replacement is challenged again.
    expect((await uploadSigning(as(user), { master_key: crossSigningKey(user, 'master').object })).status).toBe(401);
  });

  it('m.login.password, checked with the homeserver, completes the stage; also in the legacy form; a wrong password is a new 401 challenge', async () => {
    const user = '@pw:test.local';
    const client = new MatrixClient(passwordApi.url, 'tok-pw');
    await uploadSigning(client, { master_key: crossSigningKey(user, 'master').object });
    const replacement = crossSigningKey(user, 'master');
    const challenged = await uploadSigning(client, { master_key: replacement.object });
    expect(challenged.body.flows).toEqual([{ stages: ['m.login.password'] }, { stages: ['m.oauth'] }, { stages: ['org.matrix.cross_signing_reset'] }]);
    // A failed stage is a new challenge with the error, so clients ask again.
    const wrong = await uploadSigning(client, {
      master_key: replacement.object,
      auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password: 'wrong', session: challenged.body.session },
    });
    expect(wrong).toMatchObject({
      status: 401,
      body: { errcode: 'M_FORBIDDEN', flows: challenged.body.flows, session: challenged.body.session, completed: [] },
    });
    expect(
      (
        await uploadSigning(client, {
          master_key: replacement.object,
          auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password: 'right', session: challenged.body.session },
        })
      ).status,
    ).toBe(200);
    const third = crossSigningKey(user, 'master');
    expect((await uploadSigning(client, { master_key: third.object, auth: { type: 'm.login.password', user: 'pw', password: 'right' } })).status).toBe(200);
    expect(logins).toContain(user);
  });

  it('refuses malformed keys (400 M_INVALID_PARAM), unsigned sub-keys (400 M_INVALID_SIGNATURE), no master (400 M_MISSING_PARAM)', async () => {
    const user = '@cs3:test.local';
    const master = crossSigningKey(user, 'master');
    const c = as(user);
    for (const bad of [
      { ...master.object, user_id: '@other:test.local' },
      { ...master.object, usage: ['self_signing'] },
      { ...master.object, keys: { ...(master.object.keys as object), 'ed25519:second': 'second' } },
      { ...master.object, keys: { 'ed25519:abc': 'def' } },
    ]) {
      expect(await uploadSigning(c, { master_key: bad })).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });
    }
    const stranger = crossSigningKey(user, 'master');
    expect(await uploadSigning(c, { master_key: master.object, self_signing_key: crossSigningKey(user, 'self_signing', stranger).object })).toMatchObject({
      status: 400,
      body: { errcode: 'M_INVALID_SIGNATURE' },
    });
    expect(await uploadSigning(c, { self_signing_key: crossSigningKey(user, 'self_signing', master).object })).toMatchObject({
      status: 400,
      body: { errcode: 'M_MISSING_PARAM' },
    });
  });

  it('a cross-signing key equal to a device id is refused (403 Key ID in use), and the other way round', async () => {
    const user = '@cs4:test.local';
    const master = crossSigningKey(user, 'master');
    const device = new MatrixClient(system.apis[0].url, tokenFor(user, master.publicKey));
    expect((await device.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(user, master.publicKey)) })).status).toBe(200);
    expect(await uploadSigning(as(user), { master_key: master.object })).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });

    const other = '@cs5:test.local';
    const otherMaster = crossSigningKey(other, 'master');
    expect((await uploadSigning(as(other), { master_key: otherMaster.object })).status).toBe(200);
    const clash = new MatrixClient(system.apis[0].url, tokenFor(other, otherMaster.publicKey));
    expect(await clash.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(other, otherMaster.publicKey)) })).toMatchObject({
      status: 403,
      body: { errcode: 'M_FORBIDDEN' },
    });
  });

  it('master/self-signing changes reach room members; a user-signing key alone only its owner', async () => {
    const [owner, member] = ['@cs6:test.local', '@cs6-member:test.local'];
    const push = (events: unknown[]) =>
      new MatrixClient(system.apis[0].url, 'hs-secret').request('PUT', `/_matrix/app/v1/transactions/cs6-${Date.now()}`, { events });
    const join = (user: string, id: string) => ({
      type: 'm.room.member',
      room_id: '!cs:test.local',
      state_key: user,
      sender: user,
      content: { membership: 'join' },
      event_id: id,
    });
    await push([join(owner, '$j1'), join(member, '$j2')]);
    // Their devices exist from their first request (a device-list change of their own): before the tokens.
    for (const user of [owner, member]) await as(user).request('GET', '/_keyserver/v1/sync');
    await settle(env, 'device-lists');
    const token = async (user: string) => (await as(user).request('GET', '/_keyserver/v1/sync')).body.next_batch as string;
    const changes = async (user: string, from: string) => (await as(user).request('GET', `/_matrix/client/v3/keys/changes?from=${from}`)).body;

    const [ownerFrom, memberFrom] = [await token(owner), await token(member)];
    const master = crossSigningKey(owner, 'master');
    await uploadSigning(as(owner), { master_key: master.object, self_signing_key: crossSigningKey(owner, 'self_signing', master).object });
    await settle(env, 'device-lists');
    expect(await changes(member, memberFrom)).toEqual({ changed: [owner], left: [] });
    expect(await changes(owner, ownerFrom)).toEqual({ changed: [owner], left: [] });

    const [ownerAfter, memberAfter] = [await token(owner), await token(member)];
    await new MatrixClient(system.apis[0].url, 'admin-secret').request(
      'POST',
      `/_synapse/admin/v1/users/${encodeURIComponent(owner)}/_allow_cross_signing_replacement_without_uia`,
      {},
    );
    expect((await uploadSigning(as(owner), { user_signing_key: crossSigningKey(owner, 'user_signing', master).object })).status).toBe(200);
    await settle(env, 'device-lists');
    expect(await changes(member, memberAfter)).toEqual({ changed: [], left: [] });
    expect(await changes(owner, ownerAfter)).toEqual({ changed: [owner], left: [] });
  });

  describe('signature uploads', () => {
    const [alice, bob, carol] = ['@sig-alice:test.local', '@sig-bob:test.local', '@sig-carol:test.local'];
    const aliceDevice = newDeviceIdentity(alice, 'ALICEDEV');
    const aliceDeviceKeys = signedDeviceKeys(aliceDevice);
    const aliceMaster = crossSigningKey(alice, 'master');
    const aliceSelf = crossSigningKey(alice, 'self_signing', aliceMaster);
    const aliceUser = crossSigningKey(alice, 'user_signing', aliceMaster);
    let bobMaster = crossSigningKey(bob, 'master');
    const signatures = (client: MatrixClient, body: Record<string, unknown>) => client.request('POST', '/_matrix/client/v3/keys/signatures/upload', body);
    const queryAll = (reader: string) =>
      as(reader)
        .request('POST', '/_matrix/client/v3/keys/query', { device_keys: { [alice]: [], [bob]: [], [carol]: [] } })
        .then((r) => r.body);
    const aliceClient = () => new MatrixClient(system.apis[0].url, tokenFor(alice, 'ALICEDEV'));

    beforeAll(async () => {
      expect((await aliceClient().upload({ device_keys: aliceDeviceKeys })).status).toBe(200);
      expect(
        (await uploadSigning(as(alice), { master_key: aliceMaster.object, self_signing_key: aliceSelf.object, user_signing_key: aliceUser.object })).status,
      ).toBe(200);
      expect((await uploadSigning(as(bob), { master_key: bobMaster.object })).status).toBe(200);
      expect((await uploadSigning(as(carol), { master_key: crossSigningKey(carol, 'master').object })).status).toBe(200);
    });

    it('own device by the self-signing key and own master key by a device: everyone sees them', async () => {
      const join = (user: string, id: string) => ({
        type: 'm.room.member',
        room_id: '!sig:test.local',
        state_key: user,
        sender: user,
        content: { membership: 'join' },
        event_id: id,
      });
      await new MatrixClient(system.apis[0].url, 'hs-secret').request('PUT', `/_matrix/app/v1/transactions/sig-${Date.now()}`, {
        events: [join(alice, '$s1'), join(carol, '$s2')],
      });
      await settle(env, 'device-lists');
      const carolFrom = (await as(carol).request('GET', '/_keyserver/v1/sync')).body.next_batch as string;

      const signedDevice = signObject(aliceDeviceKeys, alice, `ed25519:${aliceSelf.publicKey}`, aliceSelf.privateKey);
      const signedMaster = signObject(aliceMaster.object, alice, 'ed25519:ALICEDEV', aliceDevice.privateKey);
      const r = await signatures(aliceClient(), { [alice]: { ALICEDEV: signedDevice, [aliceMaster.publicKey]: signedMaster } });
      expect(r).toMatchObject({ status: 200, body: { failures: {} } });
      await settle(env, 'device-lists');
      // A room member learns that Alice's keys changed.
      expect((await as(carol).request('GET', `/_matrix/client/v3/keys/changes?from=${carolFrom}`)).body).toEqual({ changed: [alice], left: [] });
      const seen = await queryAll(carol);
      expect(seen.device_keys[alice].ALICEDEV.signatures[alice]).toEqual((signedDevice.signatures as Record<string, unknown>)[alice]);
      expect(seen.master_keys[alice]).toEqual(signedMaster);
      // Re-uploading is harmless.
      expect(await signatures(aliceClient(), { [alice]: { ALICEDEV: signedDevice } })).toMatchObject({ status: 200, body: { failures: {} } });
    });

    it("Alice's signature on Bob's master key is seen by Alice only, not by Bob nor a third party", async () => {
      const signed = signObject(bobMaster.object, alice, `ed25519:${aliceUser.publicKey}`, aliceUser.privateKey);
      expect(await signatures(aliceClient(), { [bob]: { [bobMaster.publicKey]: signed } })).toMatchObject({ status: 200, body: { failures: {} } });
      expect((await queryAll(alice)).master_keys[bob]).toEqual(signed);
      for (const reader of [bob, carol]) {
        expect((await queryAll(reader)).master_keys[bob]).toEqual(bobMaster.object);
        expect(JSON.stringify(await queryAll(reader))).not.toContain(aliceUser.publicKey);
      }
    });

    it('per-object failures with 200: a bad signature, an unknown key, a changed object, a key of another user that is not their master key', async () => {
      const wrong = signObject(aliceDeviceKeys, alice, `ed25519:${aliceSelf.publicKey}`, aliceUser.privateKey);
      const changed = signObject({ ...bobMaster.object, usage: ['master', 'other'] }, alice, `ed25519:${aliceUser.publicKey}`, aliceUser.privateKey);
      const r = await signatures(aliceClient(), {
        [alice]: { ALICEDEV: wrong, NOSUCHDEVICE: aliceDeviceKeys },
        [bob]: { [bobMaster.publicKey]: changed, SOMEDEVICE: aliceDeviceKeys },
      });
      expect(r.status).toBe(200);
      expect(r.body.failures).toEqual({
        [alice]: {
          ALICEDEV: { errcode: 'M_INVALID_SIGNATURE', error: expect.any(String) },
          NOSUCHDEVICE: { errcode: 'M_NOT_FOUND', error: expect.any(String) },
        },
        [bob]: {
          [bobMaster.publicKey]: { errcode: 'M_INVALID_PARAM', error: expect.any(String) },
          SOMEDEVICE: { errcode: 'M_NOT_FOUND', error: expect.any(String) },
        },
      });
      expect(await signatures(aliceClient(), [] as never)).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
      expect(await signatures(aliceClient(), { [alice]: 'nope' })).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });
    });

    it("Alice signing Bob puts Bob in Alice's changed only; a replaced master key's old signatures are not shown", async () => {
      const token = async (user: string) => (await as(user).request('GET', '/_keyserver/v1/sync')).body.next_batch as string;
      const changes = async (user: string, from: string) => (await as(user).request('GET', `/_matrix/client/v3/keys/changes?from=${from}`)).body;
      const [aliceFrom, bobFrom] = [await token(alice), await token(bob)];
      const replacement = crossSigningKey(bob, 'master');
      await new MatrixClient(system.apis[0].url, 'admin-secret').request(
        'POST',
        `/_synapse/admin/v1/users/${encodeURIComponent(bob)}/_allow_cross_signing_replacement_without_uia`,
        {},
      );
      expect((await uploadSigning(as(bob), { master_key: replacement.object })).status).toBe(200);
      bobMaster = replacement;
      expect((await queryAll(alice)).master_keys[bob]).toEqual(replacement.object);
      const [aliceMid] = [await token(alice)];
      const signed = signObject(replacement.object, alice, `ed25519:${aliceUser.publicKey}`, aliceUser.privateKey);
      expect(await signatures(aliceClient(), { [bob]: { [replacement.publicKey]: signed } })).toMatchObject({ status: 200, body: { failures: {} } });
      await settle(env, 'device-lists');
      expect(await changes(alice, aliceMid)).toEqual({ changed: [bob], left: [] });
      expect((await changes(bob, bobFrom)).changed).toEqual([bob]); // his own new master key, not Alice's signature
      expect((await changes(alice, aliceFrom)).changed).toEqual([bob]);
    });

    it('a replay of the cross-signing projection rebuilds the same documents; queries answer the same from it', async () => {
      const before = await Promise.all([alice, bob, carol].map(queryAll));
      const mongo = new MongoClient(env.MONGODB_URI!);
      try {
        const db = mongo.db(env.MONGODB_DB);
        const live = await collectionDigest(await ProjectionBuckets.forReading(db, 'cross-signing-keys', 1));
        const kafka = createKafka(kafkaSettingsFromEnv('replay-xsign', env));
        const admin = new TopicAdmin(kafka);
        const report = await replayProjection(
          { kafka, admin, db, topics: topicNames(env.KAFKA_TOPIC_PREFIX) },
          crossSigningKeysProjection as never,
          () => undefined,
        );
        await admin.disconnect();
        expect(report.version).toBe(2);
        expect(await collectionDigest(await ProjectionBuckets.forReading(db, 'cross-signing-keys', 2))).toEqual(live);
        expect(await Promise.all([alice, bob, carol].map(queryAll))).toEqual(before);
      } finally {
        await mongo.close();
      }
    });
  });
});
