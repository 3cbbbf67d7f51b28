import { PositionVector } from '@app/contracts';
import { Requester } from '../auth/requester';

/**
 * The use case: what a device's /sync gets from the key server. Through the QueryBus: it answers
 * data; the acknowledgement of to-device messages it carries is the client's, not the request's effect.
 */
export class SyncExtensionRequest {
  constructor(
    readonly requester: Requester,
    readonly since: PositionVector | null,
    /** As asked; capped by the handler at SYNC_MAX_TIMEOUT_MS. */
    readonly timeoutMs: number,
    readonly correlationId: string,
  ) {}
}
