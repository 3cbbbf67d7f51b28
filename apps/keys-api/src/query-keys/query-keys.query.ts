/** The use case: a device asks for other devices' identity keys. Handled through the QueryBus. */
export class QueryKeysRequest {
  constructor(
    readonly deviceKeys: Record<string, string[]>,
    /** Who asks: their own user-signing key is the only one they see. */
    readonly requesterUserId: string | null = null,
  ) {}
}

export interface QueryKeysResponse {
  readonly device_keys: Record<string, Record<string, unknown>>;
  readonly failures: Record<string, unknown>;
  readonly master_keys?: Record<string, unknown>;
  readonly self_signing_keys?: Record<string, unknown>;
  readonly user_signing_keys?: Record<string, unknown>;
}
