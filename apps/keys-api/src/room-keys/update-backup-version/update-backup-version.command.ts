import { Requester } from '../../auth/requester';

/** The use case: a user replaces a backup version's `auth_data` (the algorithm must stay). */
export class UpdateBackupVersionRequest {
  constructor(
    readonly requester: Requester,
    /** From the path. */
    readonly version: string,
    /** The body's own `version`, if any: it must name the same version. */
    readonly bodyVersion: unknown,
    readonly algorithm: string,
    readonly authData: Record<string, unknown>,
    readonly correlationId: string,
  ) {}
}
