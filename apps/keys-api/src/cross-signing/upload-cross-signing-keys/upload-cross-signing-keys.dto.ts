import { Allow } from 'class-validator';

/**
 * POST /keys/device_signing/upload (spec: client-server-api, "Upload cross-signing keys"). The keys
 * are checked by `crossSigningKeysOf`, which needs the requester and answers the first error in
 * field order; `auth` is read leniently (a malformed stage is simply not a completed one).
 */
export class UploadCrossSigningKeysDto {
  @Allow() master_key?: unknown;
  @Allow() self_signing_key?: unknown;
  @Allow() user_signing_key?: unknown;
  @Allow() auth?: unknown;
}
