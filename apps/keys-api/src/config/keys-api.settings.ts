import { randomUUID } from 'node:crypto';
import {
  Env,
  booleanSetting,
  choiceSetting,
  optionalSetting,
  optionalUrlSetting,
  positiveNumberSetting,
  textSetting,
  wholeNumberSetting,
} from '@app/contracts';
import { ServiceSettings, serviceSettingsFromEnv } from '@app/platform';
import { BucketRule } from '../rate-limits/token-bucket-limiter';

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
  /** Per-user request limits (RATE_LIMITS and the *_RATE_PER_SECOND / *_BURST pairs). */
  readonly rateLimits: RateLimitSettings;
}

export interface RateLimitSettings {
  readonly enabled: boolean;
  /** `/keys/claim` requests per claimer (the requesting user). */
  readonly claimer: BucketRule;
  /** `/keys/claim` requests naming a user, per such target user: a drain by many accounts. */
  readonly claimTarget: BucketRule;
  /** `/sendToDevice` requests per sender. */
  readonly toDevice: BucketRule;
  /** `/keys/query` requests per requester. */
  readonly query: BucketRule;
}

export const KEYS_API_SETTINGS = Symbol('KEYS_API_SETTINGS');

const ms = { min: 0, meaning: 'milliseconds' };

/**
 * Defaults no normal client reaches that still stop a loop draining one-time keys as fast as the
 * server answers (hundreds of claims a second):
 * - claimer 100 at once, then 5/s: a client claims before sharing a room key, naming every device
 *   it lacks a session with in one request (500 devices of 100 users: one request), and at start-up
 *   at most once per room it sends to.
 * - target 50 at once, then 1/s: a user is claimed once by each other device per new device of
 *   theirs, as senders in shared rooms next send; 50 is the pool clients keep uploaded, and 1/s
 *   (60 new senders a minute) is about what a client on a 30 s long-poll tops up, so many accounts
 *   together drain a device at 1 key a second, then reach its fallback key.
 * - to-device 200 at once, then 20/s: sharing one room key with 50,000 devices is 200 requests of
 *   250 messages (the Rust SDK's chunk). Synapse's own key-request limit is 20/s, burst 100.
 * - query 100 at once, then 10/s: after login a client queries every user it tracks, in chunks.
 */
function rateLimitSettingsFromEnv(env: Env): RateLimitSettings {
  const rule = (prefix: string, perSecond: number, burst: number): BucketRule => ({
    perSecond: positiveNumberSetting(env, `${prefix}_RATE_PER_SECOND`, perSecond, 'requests per second'),
    burst: wholeNumberSetting(env, `${prefix}_BURST`, burst, { min: 1, meaning: 'requests' }),
  });
  return {
    enabled: choiceSetting(env, 'RATE_LIMITS', ['on', 'off'], 'on') === 'on',
    claimer: rule('CLAIM', 5, 100),
    claimTarget: rule('CLAIM_TARGET', 1, 50),
    toDevice: rule('TO_DEVICE', 20, 200),
    query: rule('QUERY', 10, 100),
  };
}

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
    rateLimits: rateLimitSettingsFromEnv(env),
  };
  if (settings.authMode === 'jwt' && !settings.jwtSecret && !settings.jwksUrl) throw new Error('AUTH_MODE=jwt needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  if (settings.authMode === 'homeserver' && !settings.homeserverUrl) throw new Error('AUTH_MODE=homeserver needs HOMESERVER_URL');
  return settings;
}
