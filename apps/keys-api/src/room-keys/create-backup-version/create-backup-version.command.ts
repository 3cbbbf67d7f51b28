import { Requester } from '../../auth/requester';

/** The use case: a user starts a new key backup version, which becomes the current one. */
export class CreateBackupVersionRequest {
  constructor(
    readonly requester: Requester,
    readonly algorithm: string,
    readonly authData: Record<string, unknown>,
    readonly correlationId: string,
  ) {}
}

export interface CreateBackupVersionResponse {
  readonly version: string;
}
