import { newDeviceIdentity, signObject, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { startApi, startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { readEvents } from '../helpers/log-reader';

/** POST /keys/upload then /keys/query over HTTP, through Kafka, on two API instances. */
describe('device keys: upload and query', () => {
  const env = suiteEnv('upload-query');
  const system = systemForSuite(env, () => startSystem(env, 2));
  let apiA: string;
  let apiB: string;

  beforeAll(() => {
    [apiA, apiB] = system.apis.map((a) => a.url);
  });

  const user = (name: string) => `@${name}-${Math.random().toString(36).slice(2, 8)}:test.local`;
  const clientOf = (url: string, userId: string, deviceId?: string) => new MatrixClient(url, tokenFor(userId, deviceId));

  it('returns the uploaded keys exactly as uploaded, with unsigned, on another API instance right after the write', async () => {
    const alice = user('alice');
    const device = newDeviceIdentity(alice, 'ALICE1');
    const keys = signedDeviceKeys(device);
    const upload = await clientOf(apiA, alice, 'ALICE1').upload({ device_keys: keys });
    expect(upload).toMatchObject({ status: 200, body: { one_time_key_counts: { signed_curve25519: 0 } } });

    const bob = user('bob');
    const query = await clientOf(apiB, bob, 'BOB1').query({ device_keys: { [alice]: [] } });
    expect(query.status).toBe(200);
    expect(query.body).toEqual({
      device_keys: { [alice]: { ALICE1: { ...keys, unsigned: {} } } },
      failures: {},
      master_keys: {},
      self_signing_keys: {},
      user_signing_keys: {},
    });
  });

  it('answers /r0/ and /unstable/ like /v3/', async () => {
    const carol = user('carol');
    const keys = signedDeviceKeys(newDeviceIdentity(carol, 'C1'));
    expect((await clientOf(apiA, carol, 'C1').upload({ device_keys: keys }, 'r0')).status).toBe(200);
    for (const version of ['r0', 'unstable', 'v3']) {
      const query = await clientOf(apiB, carol, 'C1').query({ device_keys: { [carol]: ['C1'] } }, version);
      expect(query.body.device_keys[carol].C1.keys).toEqual(keys.keys);
    }
  });

  it('gives {} for a known user with no keys, filters by device id, and reports remote servers in failures', async () => {
    const dave = user('dave');
    const keys = signedDeviceKeys(newDeviceIdentity(dave, 'D1'));
    await clientOf(apiA, dave, 'D1').upload({ device_keys: keys });
    const nobody = user('nobody');
    const query = await clientOf(apiA, dave, 'D1').query({ device_keys: { [dave]: ['OTHER'], [nobody]: [], '@x:remote.example': [] } });
    expect(query.status).toBe(200);
    expect(query.body.device_keys).toEqual({ [dave]: {}, [nobody]: {} });
    expect(Object.keys(query.body.failures)).toEqual(['remote.example']);
  });

  it('records an identical re-upload as no new event, and refuses different keys for the same device', async () => {
    const erin = user('erin');
    const device = newDeviceIdentity(erin, 'E1');
    const client = clientOf(apiA, erin, 'E1');
    for (let i = 0; i < 3; i++) expect((await client.upload({ device_keys: signedDeviceKeys(device) })).status).toBe(200);
    const replaced = await client.upload({ device_keys: signedDeviceKeys(newDeviceIdentity(erin, 'E1')) });
    expect(replaced).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM' } });

    const events = (await readEvents(env)).filter((e) => e.key === erin);
    // The device's first request made it exist (a nameless DeviceDisplayNameChanged), then one upload.
    expect(events.map((e) => e.type)).toEqual(['DeviceDisplayNameChanged', 'DeviceKeysUploaded']);
    const query = await client.query({ device_keys: { [erin]: [] } });
    expect(query.body.device_keys[erin].E1.keys).toEqual(signedDeviceKeys(device).keys);
  });

  it('refuses keys for another user or device with M_BAD_JSON: a user can never write another user`s keys', async () => {
    const frank = user('frank');
    const victim = user('victim');
    const forged = signedDeviceKeys(newDeviceIdentity(victim, 'V1'));
    expect(await clientOf(apiA, frank, 'V1').upload({ device_keys: forged })).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    const ownButOtherDevice = signedDeviceKeys(newDeviceIdentity(frank, 'F2'));
    expect(await clientOf(apiA, frank, 'F1').upload({ device_keys: ownButOtherDevice })).toMatchObject({ status: 400, body: { errcode: 'M_BAD_JSON' } });
    const query = await clientOf(apiA, frank, 'F1').query({ device_keys: { [victim]: [] } });
    expect(query.body.device_keys[victim]).toEqual({});
  });

  it('refuses a wrong self-signature with M_INVALID_SIGNATURE', async () => {
    const gina = user('gina');
    const device = newDeviceIdentity(gina, 'G1');
    const impostor = newDeviceIdentity(gina, 'G1');
    const keys = signObject({ ...signedDeviceKeys(device), signatures: {} }, gina, 'ed25519:G1', impostor.privateKey);
    expect(await clientOf(apiA, gina, 'G1').upload({ device_keys: keys })).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_SIGNATURE' } });
  });

  it('accepts unsigned fake keys when KEYS_VERIFY_SIGNATURES=false (legacy test suites)', async () => {
    const legacy = await startApi(env, { KEYS_VERIFY_SIGNATURES: 'false' });
    try {
      const hank = user('hank');
      const fake = {
        user_id: hank,
        device_id: 'H1',
        algorithms: ['m.olm.v1.curve25519-aes-sha2'],
        keys: { 'ed25519:H1': 'fake', 'curve25519:H1': 'fake' },
        signatures: {},
      };
      expect((await clientOf(legacy.url, hank, 'H1').upload({ device_keys: fake })).status).toBe(200);
      expect((await clientOf(apiA, hank, 'H1').query({ device_keys: { [hank]: [] } })).body.device_keys[hank].H1.keys).toEqual(fake.keys);
    } finally {
      await legacy.app.close();
    }
  });
});
