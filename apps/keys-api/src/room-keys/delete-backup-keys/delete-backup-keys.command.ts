import { Requester } from '../../auth/requester';

/** The use case: a user deletes keys of a backup version: all of them, one room's, or one session's. */
export class DeleteBackupKeysRequest {
  constructor(
    readonly requester: Requester,
    readonly version: string,
    readonly roomId: string | null,
    readonly sessionId: string | null,
    readonly correlationId: string,
  ) {}
}
