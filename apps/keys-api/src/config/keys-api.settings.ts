import { randomUUID } from 'node:crypto';
import { Env, booleanSetting, choiceSetting, optionalSetting, optionalUrlSetting, textSetting, wholeNumberSetting } from '@app/contracts';
import { ServiceSettings, serviceSettingsFromEnv } from '@app/platform';

/** Everything the keys-api reads from the environment (documented in the README). */
export interface KeysApiSettings {
  readonly service: ServiceSettings;
  readonly serverName: string;
  readonly authMode: 'jwt' | 'homeserver';
  readonly jwtSecret: string | null;
  /** AUTH_JWKS_URL: tokens are verified against this key set (an OIDC issuer's) instead of the HS256 secret. */
  readonly jwksUrl: string | null;
  readonly homeserverUrl: string | null;
  readonly whoamiCacheMs: number;
  /** Turned off only for legacy test suites that upload unsigned or fake keys. */
  readonly verifySignatures: boolean;
  readonly commandTimeoutMs: number;
  readonly readBarrierTimeoutMs: number;
  /** Exact copies kept per cached read model (READ_CACHE_ENTRIES): users whose documents /keys/query serves from memory. */
  readonly readCacheEntries: number;
  readonly bodyLimitBytes: number;
  readonly instanceId: string;
  /** The token the homeserver presents on application-service pushes; unset disables them. */
  readonly appserviceHsToken: string | null;
  /** Only encrypted rooms count as shared for device lists (the spec allows it; clients expect all rooms). */
  readonly encryptedRoomsOnly: boolean;
  /** Upper bound of a sync-extension long-poll. */
  readonly syncMaxTimeoutMs: number;
  /** Bearer token of the operator's admin endpoints; unset disables them. */
  readonly adminToken: string | null;
  /** Where users learn how to get a key replacement approved (the `m.oauth` stage's url); unset: the stage is not offered. */
  readonly crossSigningApprovalUrl: string | null;
}

export const KEYS_API_SETTINGS = Symbol('KEYS_API_SETTINGS');

const ms = { min: 0, meaning: 'milliseconds' };

/** Throws, naming the variable and what it allows, on any setting the keys-api cannot run with. */
export function keysApiSettingsFromEnv(env: Env): KeysApiSettings {
  const settings: KeysApiSettings = {
    service: serviceSettingsFromEnv(env, 8080),
    serverName: textSetting(env, 'SERVER_NAME', 'localhost'),
    authMode: choiceSetting(env, 'AUTH_MODE', ['jwt', 'homeserver'], 'jwt'),
    jwtSecret: optionalSetting(env, 'AUTH_JWT_SECRET'),
    jwksUrl: optionalUrlSetting(env, 'AUTH_JWKS_URL'),
    homeserverUrl: optionalUrlSetting(env, 'HOMESERVER_URL'),
    whoamiCacheMs: wholeNumberSetting(env, 'AUTH_CACHE_MS', 30_000, ms),
    verifySignatures: booleanSetting(env, 'KEYS_VERIFY_SIGNATURES', true),
    commandTimeoutMs: wholeNumberSetting(env, 'COMMAND_TIMEOUT_MS', 10_000, { min: 1, meaning: 'milliseconds' }),
    readBarrierTimeoutMs: wholeNumberSetting(env, 'READ_BARRIER_TIMEOUT_MS', 3_000, ms),
    readCacheEntries: wholeNumberSetting(env, 'READ_CACHE_ENTRIES', 200_000, { min: 0, meaning: 'entries' }),
    bodyLimitBytes: wholeNumberSetting(env, 'BODY_LIMIT_BYTES', 10 * 1024 * 1024, { min: 1, meaning: 'bytes' }),
    instanceId: optionalSetting(env, 'INSTANCE_ID') ?? randomUUID(),
    appserviceHsToken: optionalSetting(env, 'APPSERVICE_HS_TOKEN'),
    encryptedRoomsOnly: booleanSetting(env, 'DEVICE_LISTS_ENCRYPTED_ROOMS_ONLY', false),
    syncMaxTimeoutMs: wholeNumberSetting(env, 'SYNC_MAX_TIMEOUT_MS', 120_000, ms),
    adminToken: optionalSetting(env, 'ADMIN_TOKEN'),
    crossSigningApprovalUrl: optionalUrlSetting(env, 'CROSS_SIGNING_APPROVAL_URL'),
  };
  if (settings.authMode === 'jwt' && !settings.jwtSecret && !settings.jwksUrl) throw new Error('AUTH_MODE=jwt needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  if (settings.authMode === 'homeserver' && !settings.homeserverUrl) throw new Error('AUTH_MODE=homeserver needs HOMESERVER_URL');
  return settings;
}
