import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { newDeviceIdentity, signedDeviceKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { cleanUp, startSystem } from '../helpers/system';
import { MatrixClient } from '../helpers/matrix-client';

/** AUTH_MODE=homeserver against a stand-in homeserver that answers /account/whoami like Synapse. */
describe('AUTH_MODE=homeserver', () => {
  const tokens: Record<string, { user_id: string; device_id: string }> = {
    syt_alice: { user_id: '@alice:test.local', device_id: 'ALICEHS' },
  };
  let whoamiCalls = 0;
  let homeserver: Server;
  let env: NodeJS.ProcessEnv;
  let system: Awaited<ReturnType<typeof startSystem>>;

  beforeAll(async () => {
    homeserver = createServer((req, res) => {
      whoamiCalls++;
      const token = String(req.headers.authorization ?? '').replace('Bearer ', '');
      const who = req.url === '/_matrix/client/v3/account/whoami' ? tokens[token] : undefined;
      res.writeHead(who ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(who ?? { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token' }));
    });
    await new Promise<void>((r) => homeserver.listen(0, '127.0.0.1', () => r()));
    const port = (homeserver.address() as AddressInfo).port;
    env = suiteEnv('hs-auth', { AUTH_MODE: 'homeserver', HOMESERVER_URL: `http://127.0.0.1:${port}` });
    system = await startSystem(env, 1);
  });
  afterAll(async () => {
    await system?.stop();
    await cleanUp(env);
    homeserver.close();
  });

  it('lets a token the homeserver knows upload and query, asking the homeserver once per token', async () => {
    const client = new MatrixClient(system.apis[0].url, 'syt_alice');
    const keys = signedDeviceKeys(newDeviceIdentity('@alice:test.local', 'ALICEHS'));
    expect((await client.upload({ device_keys: keys })).status).toBe(200);
    const query = await client.query({ device_keys: { '@alice:test.local': [] } });
    expect(query.body.device_keys['@alice:test.local'].ALICEHS.keys).toEqual(keys.keys);
    expect(whoamiCalls).toBe(1);
  });

  it('answers a token the homeserver rejects with 401 M_UNKNOWN_TOKEN', async () => {
    const result = await new MatrixClient(system.apis[0].url, 'syt_unknown').query({ device_keys: {} });
    expect(result).toMatchObject({ status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } });
  });
});
