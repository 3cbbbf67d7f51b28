/** The use case: a user reads a backup version's metadata, the current one (`version` null) or one by id. */
export class ReadBackupVersionRequest {
  constructor(
    readonly userId: string,
    readonly version: string | null,
  ) {}
}

export interface BackupVersionResponse {
  readonly algorithm: string;
  readonly auth_data: unknown;
  readonly count: number;
  readonly etag: string;
  readonly version: string;
}
