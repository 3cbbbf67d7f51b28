/**
 * POST /keys/signatures/upload (spec: client-server-api, "Upload cross-signing signatures"). The
 * body is a map keyed by user ids, with no fixed field for class-validator to check: `validateBody`
 * only makes sure it is a JSON object, `signedObjectsOf` checks the entries.
 */
export class UploadSignaturesDto {}

export type SignatureFailures = Record<string, Record<string, { errcode: string; error: string }>>;

export interface UploadSignaturesResponse {
  readonly failures: SignatureFailures;
}
