import { KeysApiSettings, keysApiSettingsFromEnv } from '../config/keys-api.settings';

/** Settings for handler specs: the documented defaults on server `example.org`, rate limits off, an admin token. */
export function testSettings(overrides: Partial<KeysApiSettings> = {}): KeysApiSettings {
  const defaults = keysApiSettingsFromEnv({ AUTH_JWT_SECRET: 'spec', SERVER_NAME: 'example.org', RATE_LIMITS: 'off', ADMIN_TOKEN: 'admin-secret' });
  return { ...defaults, ...overrides };
}
