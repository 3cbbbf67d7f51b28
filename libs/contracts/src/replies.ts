import { LogPosition } from './envelope';

/** Stable domain error codes; the API maps them to Matrix errors. */
export type RejectionCode = 'DEVICE_KEYS_CHANGED' | 'INVALID_COMMAND';

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
}

export interface UploadKeysResult {
  readonly oneTimeKeyCounts: Record<string, number>;
}

export type CommandResult = UploadKeysResult;

export type Outcome =
  | { readonly ok: true; readonly result: CommandResult; readonly eventCount: number; readonly lastPosition: LogPosition | null }
  | { readonly ok: false; readonly rejection: Rejection };

/** Sent by the command-processor on e2ee.replies once the command's events are durable. */
export interface CommandReply {
  readonly commandId: string;
  readonly replyTo: string;
  readonly outcome: Outcome;
}
