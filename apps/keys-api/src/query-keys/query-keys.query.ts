/** The use case: a device asks for other devices' identity keys. Handled through the QueryBus. */
export class QueryKeys {
  constructor(readonly deviceKeys: Record<string, string[]>) {}
}

export interface QueryKeysResponse {
  readonly device_keys: Record<string, Record<string, unknown>>;
  readonly failures: Record<string, unknown>;
}
