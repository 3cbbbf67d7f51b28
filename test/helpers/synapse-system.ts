import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { infraLayout } from '../../apps/cli/src/infra/infra-layout';
import { freePort } from '../../apps/cli/src/infra/processes';
import { SynapseHomeserver } from '../../apps/cli/src/infra/synapse-homeserver';
import { newRegistration, registrationYaml } from '../../apps/cli/src/appservice/appservice-registration';
import { RunningGateway, bootstrapGateway } from '../../apps/gateway/src/bootstrap';
import { RunningApi, startApi, startProcessor, startProjector } from './system';

export const GATEWAY_SERVER_NAME = 'gw.test';

/**
 * The whole system beside a real Synapse (pinned, from PyPI, provisioned by the test tier into
 * .local/): processor, projector and keys-api in this process (AUTH_MODE=homeserver against
 * Synapse, memberships pushed by Synapse over the application-service API), Synapse as a child
 * process on a fresh SQLite database, and the gateway in front of both.
 */
export async function startSynapseSystem(env: NodeJS.ProcessEnv) {
  const layout = infraLayout();
  const name = `test-${randomBytes(4).toString('hex')}`;
  const synapse = new SynapseHomeserver(layout.root, name, () => undefined);
  const synapsePort = await freePort();
  const homeserverUrl = `http://127.0.0.1:${synapsePort}`;
  const hsEnv = { ...env, SERVER_NAME: GATEWAY_SERVER_NAME, AUTH_MODE: 'homeserver', HOMESERVER_URL: homeserverUrl };
  const processor = await startProcessor(hsEnv);
  const projector = await startProjector(hsEnv);
  // The keys-api first: Synapse pushes to it as soon as it starts, and backs off if nobody answers.
  const registrationFile = join(synapse.dir, 'keyserver-registration.yaml');
  mkdirSync(synapse.dir, { recursive: true });
  const registration = newRegistration(GATEWAY_SERVER_NAME, 'http://127.0.0.1:0');
  const api: RunningApi = await startApi({ ...hsEnv, APPSERVICE_HS_TOKEN: registration.hsToken });
  writeFileSync(registrationFile, registrationYaml({ ...registration, url: api.url }));
  let gateway: RunningGateway | undefined;
  try {
    await synapse.start({ serverName: GATEWAY_SERVER_NAME, port: synapsePort, appserviceFiles: [registrationFile], fresh: true });
    gateway = await bootstrapGateway({ ...hsEnv, HOMESERVER_URL: homeserverUrl, KEYSERVER_URL: api.url, HTTP_PORT: '0' });
  } catch (err) {
    await synapse.stop();
    throw err;
  }
  return {
    gatewayUrl: gateway.url,
    homeserverUrl,
    keysApiUrl: api.url,
    synapseLog: synapse.logFile,
    async stop() {
      await gateway?.close();
      await synapse.stop();
      // Long-polls the gateway gave up on (it aborts the slower side) run on to their timeout: do not wait for them.
      api.app.getHttpAdapter().getInstance().server.closeAllConnections();
      await api.app.close();
      await processor.close();
      await projector.close();
      rmSync(synapse.dir, { recursive: true, force: true });
    },
  };
}

/** Registers a user on Synapse (open registration, no verification) and logs in its first device. */
export async function register(baseUrl: string, localpart: string, deviceName = 'first'): Promise<{ userId: string; deviceId: string; accessToken: string }> {
  const body = { username: localpart, password: `pw-${localpart}`, initial_device_display_name: deviceName, auth: { type: 'm.login.dummy' } };
  const response = await fetch(`${baseUrl}/_matrix/client/v3/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { user_id: string; device_id: string; access_token: string };
  if (response.status !== 200) throw new Error(`register ${localpart}: ${response.status} ${JSON.stringify(answer)}`);
  return { userId: answer.user_id, deviceId: answer.device_id, accessToken: answer.access_token };
}

export async function login(baseUrl: string, localpart: string, deviceName: string): Promise<{ userId: string; deviceId: string; accessToken: string }> {
  const body = {
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: localpart },
    password: `pw-${localpart}`,
    initial_device_display_name: deviceName,
  };
  const response = await fetch(`${baseUrl}/_matrix/client/v3/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { user_id: string; device_id: string; access_token: string };
  if (response.status !== 200) throw new Error(`login ${localpart}: ${response.status} ${JSON.stringify(answer)}`);
  return { userId: answer.user_id, deviceId: answer.device_id, accessToken: answer.access_token };
}
