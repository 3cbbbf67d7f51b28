import { LogPosition } from './envelope';

/** Stable domain error codes; the API maps them to Matrix errors. */
export type RejectionCode =
  | 'DEVICE_KEYS_CHANGED'
  | 'ONE_TIME_KEY_CHANGED'
  | 'INVALID_SIGNATURE'
  | 'INVALID_COMMAND'
  | 'BACKUP_NOT_FOUND'
  | 'WRONG_BACKUP_VERSION'
  | 'BACKUP_MISMATCH'
  | 'MISSING_MASTER_KEY'
  | 'KEY_ID_IN_USE'
  | 'AUTH_REQUIRED'
  /** Not a domain answer: deciding threw (a bug, or input the domain cannot handle); the command was dead-lettered. */
  | 'COMMAND_FAILED';

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
  /** With WRONG_BACKUP_VERSION: the version writes must go to. */
  readonly currentVersion?: string;
}

export interface BackupVersionResult {
  readonly kind: 'backup-version';
  readonly version: string;
}

/** The backup version's keys after the command: its etag and how many sessions it holds. */
export interface BackupKeysResult {
  readonly kind: 'backup-keys';
  readonly etag: string;
  readonly count: number;
}

/** Per algorithm, for the uploading device: `[algorithm, count]` pairs (never field names in storage). */
export interface UploadKeysResult {
  readonly kind: 'upload';
  readonly oneTimeKeyCounts: Record<string, number>;
}

/** The keys handed out, by device: `keyName -> canonical JSON`, and whether each was a fallback key. */
export interface ClaimKeysResult {
  readonly kind: 'claim';
  readonly claimed: readonly { readonly deviceId: string; readonly keyName: string; readonly json: string; readonly fallback: boolean }[];
}

/** A homeserver change (device or membership) was applied, or had been already. */
export interface AppliedResult {
  readonly kind: 'applied';
}

/** Why one object of a signature upload was refused (the keys-api maps it to a Matrix error). */
export type SignatureFailureCode = 'SIGNED_OBJECT_MISMATCH' | 'INVALID_SIGNATURE' | 'UNKNOWN_KEY';

/** Objects of a signature upload that were refused, each with its reason. */
export interface SignaturesResult {
  readonly kind: 'signatures';
  readonly failures: readonly { readonly targetUserId: string; readonly keyId: string; readonly code: SignatureFailureCode; readonly message: string }[];
}

export type CommandResult = UploadKeysResult | ClaimKeysResult | AppliedResult | BackupVersionResult | BackupKeysResult | SignaturesResult;

export type Outcome =
  | { readonly ok: true; readonly result: CommandResult; readonly eventCount: number; readonly lastPosition: LogPosition | null }
  | { readonly ok: false; readonly rejection: Rejection };

/** Sent by the command-processor on e2ee.replies once the command's events are durable. */
export interface CommandReply {
  readonly commandId: string;
  readonly replyTo: string;
  readonly outcome: Outcome;
}
