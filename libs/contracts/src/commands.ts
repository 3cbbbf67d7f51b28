import { Envelope } from './envelope';

/** Upload of a device's identity keys; later slices add one-time and fallback keys to the same command. */
export interface UploadKeysData {
  readonly userId: string;
  readonly deviceId: string;
  /** Canonical JSON of the uploaded `device_keys` object, when the upload had one. */
  readonly deviceKeysJson: string | null;
}

export type UploadKeysCommand = Envelope<'UploadKeys', UploadKeysData>;

export type Command = UploadKeysCommand;
export type CommandType = Command['type'];

/** Metadata the API adds so the decided outcome can find its way back. */
export interface CommandRouting {
  readonly replyTo: string;
}

export type RoutedCommand = Command & { readonly routing: CommandRouting };

export const COMMAND_TYPES: readonly CommandType[] = ['UploadKeys'];
