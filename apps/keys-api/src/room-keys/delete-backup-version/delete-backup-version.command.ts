import { Requester } from '../../auth/requester';

/** The use case: a user deletes a backup version and its keys. */
export class DeleteBackupVersionRequest {
  constructor(
    readonly requester: Requester,
    readonly version: string,
    readonly correlationId: string,
  ) {}
}
