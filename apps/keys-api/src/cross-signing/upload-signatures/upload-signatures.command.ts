import { Requester } from '../../auth/requester';

/** The use case: a user uploads signatures of their own devices and keys, or of other users' master keys. */
export class UploadSignaturesRequest {
  constructor(
    readonly requester: Requester,
    /** `{user id: {key id: signed object}}`, a JSON object; its entries are checked by the handler. */
    readonly body: Record<string, unknown>,
    readonly correlationId: string,
  ) {}
}
