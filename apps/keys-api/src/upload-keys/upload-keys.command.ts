import { Requester } from '../auth/requester';

/** The use case: a device uploads its keys. Handled by UploadKeysHandler through the CommandBus
 * (the Kafka envelope it leads to is `UploadKeysCommand` in libs/contracts). */
export class UploadKeysRequest {
  constructor(
    readonly requester: Requester,
    readonly body: Record<string, unknown>,
    readonly correlationId: string,
  ) {}
}

export interface UploadKeysResponse {
  readonly one_time_key_counts: Record<string, number>;
}
