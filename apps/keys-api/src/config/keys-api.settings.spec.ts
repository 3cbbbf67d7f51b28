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
      rateLimits: {
        enabled: true,
        claimer: { perSecond: 5, burst: 100 },
        claimTarget: { perSecond: 1, burst: 50 },
        toDevice: { perSecond: 20, burst: 200 },
        query: { perSecond: 10, burst: 100 },
      },
    });
    expect(keysApiSettingsFromEnv(jwt).instanceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads AUTH_JWKS_URL as enough for AUTH_MODE=jwt', () => {
    expect(keysApiSettingsFromEnv({ AUTH_JWKS_URL: 'https://mas.example/oauth2/keys.json' }).jwksUrl).toBe('https://mas.example/oauth2/keys.json');
  });

  it('reads the rate limits, fractions of a request per second included, and RATE_LIMITS=off', () => {
    const s = keysApiSettingsFromEnv({
      ...jwt,
      RATE_LIMITS: 'off',
      CLAIM_RATE_PER_SECOND: '0.5',
      CLAIM_BURST: '7',
      CLAIM_TARGET_RATE_PER_SECOND: '2',
      CLAIM_TARGET_BURST: '3',
      TO_DEVICE_RATE_PER_SECOND: '0.01',
      TO_DEVICE_BURST: '1',
      QUERY_RATE_PER_SECOND: '100',
      QUERY_BURST: '1000',
    });
    expect(s.rateLimits).toEqual({
      enabled: false,
      claimer: { perSecond: 0.5, burst: 7 },
      claimTarget: { perSecond: 2, burst: 3 },
      toDevice: { perSecond: 0.01, burst: 1 },
      query: { perSecond: 100, burst: 1000 },
    });
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
    [{ ...jwt, RATE_LIMITS: 'false' }, 'RATE_LIMITS must be one of on, off; got "false"'],
    [{ ...jwt, CLAIM_RATE_PER_SECOND: '0' }, 'CLAIM_RATE_PER_SECOND must be a number of requests per second, greater than 0; got "0"'],
    [{ ...jwt, CLAIM_TARGET_RATE_PER_SECOND: '1/s' }, 'CLAIM_TARGET_RATE_PER_SECOND must be a number of requests per second, greater than 0; got "1/s"'],
    [{ ...jwt, CLAIM_BURST: '0' }, 'CLAIM_BURST must be a whole number of requests, at least 1; got "0"'],
    [{ ...jwt, CLAIM_TARGET_BURST: '-1' }, 'CLAIM_TARGET_BURST must be a whole number of requests, at least 1'],
    [{ ...jwt, TO_DEVICE_RATE_PER_SECOND: 'fast' }, 'TO_DEVICE_RATE_PER_SECOND must be a number of requests per second, greater than 0'],
    [{ ...jwt, TO_DEVICE_BURST: '2.5' }, 'TO_DEVICE_BURST must be a whole number of requests, at least 1; got "2.5"'],
    [{ ...jwt, QUERY_RATE_PER_SECOND: '-3' }, 'QUERY_RATE_PER_SECOND must be a number of requests per second, greater than 0'],
    [{ ...jwt, QUERY_BURST: 'lots' }, 'QUERY_BURST must be a whole number of requests, at least 1'],
  ])('refuses %j', (env, message) => {
    expect(() => keysApiSettingsFromEnv(env)).toThrow(message);
  });
});
