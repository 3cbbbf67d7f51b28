import { gatewaySettingsFromEnv } from './gateway.settings';

const base = { HOMESERVER_URL: 'http://127.0.0.1:8008/', KEYSERVER_URL: 'http://127.0.0.1:8080' };

describe('gateway settings', () => {
  it('reads both upstreams (without trailing slashes) and defaults the rest', () => {
    const s = gatewaySettingsFromEnv(base);
    expect(s).toMatchObject({ homeserverUrl: 'http://127.0.0.1:8008', keyserverUrl: 'http://127.0.0.1:8080', publishDevices: true, bodyLimitBytes: 1048576 });
    expect(s.service.httpPort).toBe(8008);
  });

  it('refuses to start without an upstream, or with a value it cannot use', () => {
    expect(() => gatewaySettingsFromEnv({ KEYSERVER_URL: base.KEYSERVER_URL })).toThrow(/HOMESERVER_URL/);
    expect(() => gatewaySettingsFromEnv({ HOMESERVER_URL: base.HOMESERVER_URL })).toThrow(/KEYSERVER_URL/);
    expect(() => gatewaySettingsFromEnv({ ...base, KEYSERVER_URL: 'keys:8080' })).toThrow(/KEYSERVER_URL must be an http\(s\) url/);
    expect(() => gatewaySettingsFromEnv({ ...base, GATEWAY_PUBLISH_DEVICES: 'yes' })).toThrow(/GATEWAY_PUBLISH_DEVICES/);
    expect(() => gatewaySettingsFromEnv({ ...base, HTTP_PORT: '70000' })).toThrow(/HTTP_PORT/);
  });
});
