/** The use case: a user reads keys of a backup version: all of them, one room's, or one session's. */
export class ReadBackupKeysRequest {
  constructor(
    readonly userId: string,
    readonly version: string,
    readonly roomId: string | undefined,
    readonly sessionId: string | undefined,
  ) {}
}

/** JSON text: one string, or chunks to stream (a whole backup never becomes one object in memory). */
export type BackupKeysJson = string | AsyncGenerator<string>;
