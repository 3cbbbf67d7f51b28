import { Requester } from '../../auth/requester';

/** The use case: a user stores room keys in the current backup version, at any of the three path levels. */
export class PutBackupKeysRequest {
  constructor(
    readonly requester: Requester,
    readonly version: string,
    readonly roomId: string | undefined,
    readonly sessionId: string | undefined,
    /** As sent; its shape depends on the level, checked by `uploadedSessions`. */
    readonly body: unknown,
    readonly correlationId: string,
  ) {}
}
