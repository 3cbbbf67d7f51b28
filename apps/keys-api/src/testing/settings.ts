import { KeysApiSettings } from '../config/keys-api.settings';

/** Settings for handler specs: only what handlers read, on server `example.org`. */
export function testSettings(overrides: Partial<KeysApiSettings> = {}): KeysApiSettings {
  return {
    serverName: 'example.org',
    verifySignatures: true,
    syncMaxTimeoutMs: 30_000,
    adminToken: 'admin-secret',
    crossSigningApprovalUrl: null,
    rateLimits: {
      enabled: false,
      claimer: { perSecond: 1, burst: 1 },
      claimTarget: { perSecond: 1, burst: 1 },
      toDevice: { perSecond: 1, burst: 1 },
      query: { perSecond: 1, burst: 1 },
    },
    ...overrides,
  } as KeysApiSettings;
}
