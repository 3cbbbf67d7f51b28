/** Everything the keys-api reads from the environment (documented in the README). */
export interface KeysApiSettings {
  readonly serverName: string;
  readonly authMode: 'jwt' | 'homeserver';
  readonly jwtSecret: string | null;
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
  /** Where a user learns how to get cross-signing replacement approved (the `m.oauth` stage's url). */
  /** Where users learn how to get a key replacement approved; unset: the approval stage is not offered. */
  readonly crossSigningApprovalUrl: string | null;
}

export const KEYS_API_SETTINGS = Symbol('KEYS_API_SETTINGS');

export function keysApiSettingsFromEnv(env: NodeJS.ProcessEnv, instanceId: string): KeysApiSettings {
  const authMode = env.AUTH_MODE === 'homeserver' ? 'homeserver' : 'jwt';
  const settings: KeysApiSettings = {
    serverName: env.SERVER_NAME ?? 'localhost',
    authMode,
    jwtSecret: env.AUTH_JWT_SECRET ?? null,
    homeserverUrl: env.HOMESERVER_URL ?? null,
    whoamiCacheMs: Number(env.AUTH_CACHE_MS ?? 30_000),
    verifySignatures: (env.KEYS_VERIFY_SIGNATURES ?? 'true') !== 'false',
    commandTimeoutMs: Number(env.COMMAND_TIMEOUT_MS ?? 10_000),
    readBarrierTimeoutMs: Number(env.READ_BARRIER_TIMEOUT_MS ?? 3_000),
    readCacheEntries: Number(env.READ_CACHE_ENTRIES ?? 200_000),
    bodyLimitBytes: Number(env.BODY_LIMIT_BYTES ?? 10 * 1024 * 1024),
    instanceId,
    appserviceHsToken: env.APPSERVICE_HS_TOKEN ?? null,
    encryptedRoomsOnly: env.DEVICE_LISTS_ENCRYPTED_ROOMS_ONLY === 'true',
    syncMaxTimeoutMs: Number(env.SYNC_MAX_TIMEOUT_MS ?? 120_000),
    adminToken: env.ADMIN_TOKEN ?? null,
    crossSigningApprovalUrl: env.CROSS_SIGNING_APPROVAL_URL || null,
  };
  if (settings.crossSigningApprovalUrl !== null && !/^https?:\/\//.test(settings.crossSigningApprovalUrl)) throw new Error('CROSS_SIGNING_APPROVAL_URL must be an http(s) url');
  if (authMode === 'jwt' && !settings.jwtSecret) throw new Error('AUTH_MODE=jwt needs AUTH_JWT_SECRET');
  if (authMode === 'homeserver' && !settings.homeserverUrl) throw new Error('AUTH_MODE=homeserver needs HOMESERVER_URL');
  return settings;
}
