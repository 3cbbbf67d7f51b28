import { Requester } from '../auth/requester';

/** The use case: a device claims one-time keys of other devices to start Olm sessions. */
export class ClaimKeysRequest {
  constructor(
    readonly requester: Requester,
    readonly oneTimeKeys: Record<string, Record<string, string>>,
    readonly correlationId: string,
  ) {}
}

export interface ClaimKeysResponse {
  readonly one_time_keys: Record<string, Record<string, Record<string, unknown>>>;
  readonly failures: Record<string, unknown>;
}
