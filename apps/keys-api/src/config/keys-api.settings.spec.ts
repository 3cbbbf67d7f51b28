import { keysApiSettingsFromEnv } from './keys-api.settings';

const jwt = { AUTH_JWT_SECRET: 's' };

describe('keys-api settings', () => {
  it('keeps the documented defaults', () => {
    const s = keysApiSettingsFromEnv({ ...jwt, INSTANCE_ID: 'i1' });
    expect(s).toEqual({
      service: { httpPort: 8080, httpHost: '127.0.0.1', logLevel: 'info' },
      serverName: 'localhost',
      authMode: 'jwt',
      jwtSecret: 's',
      jwksUrl: null,
      homeserverUrl: null,
      whoamiCacheMs: 30_000,
      verifySignatures: true,
      commandTimeoutMs: 10_000,
      readBarrierTimeoutMs: 3_000,
      readCacheEntries: 200_000,
      bodyLimitBytes: 10 * 1024 * 1024,
      instanceId: 'i1',
      appserviceHsToken: null,
      encryptedRoomsOnly: false,
      syncMaxTimeoutMs: 120_000,
      adminToken: null,
      crossSigningApprovalUrl: null,
    });
    expect(keysApiSettingsFromEnv(jwt).instanceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads AUTH_JWKS_URL as enough for AUTH_MODE=jwt', () => {
    expect(keysApiSettingsFromEnv({ AUTH_JWKS_URL: 'https://mas.example/oauth2/keys.json' }).jwksUrl).toBe('https://mas.example/oauth2/keys.json');
  });

  it.each([
    [{ ...jwt, AUTH_MODE: 'homeserevr' }, 'AUTH_MODE must be one of jwt, homeserver; got "homeserevr"'],
    [{}, 'AUTH_MODE=jwt needs AUTH_JWT_SECRET or AUTH_JWKS_URL'],
    [{ AUTH_MODE: 'homeserver' }, 'AUTH_MODE=homeserver needs HOMESERVER_URL'],
    [{ AUTH_MODE: 'homeserver', HOMESERVER_URL: 'synapse:8008' }, 'HOMESERVER_URL must be an http(s) url'],
    [{ ...jwt, AUTH_JWKS_URL: 'keys.json' }, 'AUTH_JWKS_URL must be an http(s) url'],
    [{ ...jwt, COMMAND_TIMEOUT_MS: '10s' }, 'COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 1; got "10s"'],
    [{ ...jwt, COMMAND_TIMEOUT_MS: '0' }, 'COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 1'],
    [{ ...jwt, BODY_LIMIT_BYTES: '-5' }, 'BODY_LIMIT_BYTES must be a whole number of bytes, at least 1'],
    [{ ...jwt, KEYS_VERIFY_SIGNATURES: 'no' }, 'KEYS_VERIFY_SIGNATURES must be one of true, false; got "no"'],
    [{ ...jwt, DEVICE_LISTS_ENCRYPTED_ROOMS_ONLY: '1' }, 'DEVICE_LISTS_ENCRYPTED_ROOMS_ONLY must be one of true, false'],
    [{ ...jwt, HTTP_PORT: '80a' }, 'HTTP_PORT must be a whole number of a TCP port, from 0 to 65535'],
    [{ ...jwt, LOG_LEVEL: 'verbose' }, 'LOG_LEVEL must be one of error, warn, info, debug; got "verbose"'],
    [{ ...jwt, CROSS_SIGNING_APPROVAL_URL: 'ftp://x' }, 'CROSS_SIGNING_APPROVAL_URL must be an http(s) url'],
  ])('refuses %j', (env, message) => {
    expect(() => keysApiSettingsFromEnv(env)).toThrow(message);
  });
});
