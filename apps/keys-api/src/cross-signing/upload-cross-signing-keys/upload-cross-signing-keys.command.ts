import { Requester } from '../../auth/requester';

/** The use case: a user uploads (or replaces) their cross-signing keys, with user-interactive auth when needed. */
export class UploadCrossSigningKeysRequest {
  constructor(
    readonly requester: Requester,
    /** The body, a JSON object: keys and `auth` are read from it as uploaded. */
    readonly body: Record<string, unknown>,
    readonly correlationId: string,
  ) {}
}
