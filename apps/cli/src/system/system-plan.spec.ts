import { plannedServices, systemPorts } from './system-plan';

describe('system plan', () => {
  const ports = systemPorts({});

  it('runs the three services alone without a homeserver', () => {
    const plan = plannedServices(ports, { kind: 'none' });
    expect(plan.core.map((s) => [s.name, s.port])).toEqual([
      ['command-processor', 8081],
      ['projector', 8082],
      ['keys-api', 8080],
    ]);
    expect(plan.gateway).toBeNull();
  });

  it('puts the gateway in front of a homeserver given by url, pointing at the keys-api', () => {
    const plan = plannedServices(systemPorts({ GATEWAY_PORT: '9000' }), { kind: 'external', url: 'http://hs:8008' });
    expect(plan.gateway).toMatchObject({ port: 9000, env: { HOMESERVER_URL: 'http://hs:8008', KEYSERVER_URL: 'http://127.0.0.1:8080' } });
    expect(plan.core[2].env).toEqual({});
  });

  it('wires the keys-api to the local Synapse: its tokens and its pushes', () => {
    const plan = plannedServices(ports, { kind: 'synapse', url: 'http://127.0.0.1:8083', hsToken: 'hs' });
    expect(plan.core[2].env).toEqual({ AUTH_MODE: 'homeserver', HOMESERVER_URL: 'http://127.0.0.1:8083', APPSERVICE_HS_TOKEN: 'hs' });
    expect(plan.gateway?.env.HOMESERVER_URL).toBe('http://127.0.0.1:8083');
  });
});
