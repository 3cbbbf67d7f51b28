import { Envelope } from './envelope';

/** A one-time or fallback key as uploaded: full key name (`<algorithm>:<key id>`) and canonical JSON of its value. */
export interface UploadedKey {
  readonly keyName: string;
  readonly json: string;
}

/** Upload of a device's identity, one-time and fallback keys. */
export interface UploadKeysData {
  readonly userId: string;
  readonly deviceId: string;
  /** Canonical JSON of the uploaded `device_keys` object, when the upload had one. */
  readonly deviceKeysJson: string | null;
  readonly oneTimeKeys: readonly UploadedKey[];
  readonly fallbackKeys: readonly UploadedKey[];
  /** Whether `signed_*` keys must carry a valid signature by the device (off for legacy suites). */
  readonly verifySignatures: boolean;
}

/** A claim of one key of `algorithm` for each listed device of one user (the command's key). */
export interface ClaimKeysData {
  readonly userId: string;
  readonly claims: readonly { readonly deviceId: string; readonly algorithm: string }[];
  readonly claimedBy: string;
}

/** A device change the homeserver reported (hs.events), applied by the user's partition owner. */
export interface ApplyDeviceChangeData {
  readonly userId: string;
  readonly deviceId: string;
  readonly change: 'created' | 'renamed' | 'deleted';
  readonly displayName: string | null;
}

/** A membership change the homeserver reported, recorded by the member's partition owner. */
export interface ApplyMembershipData {
  readonly userId: string;
  readonly roomId: string;
  readonly membership: 'join' | 'leave' | 'invite' | 'ban' | 'knock';
}

/** The homeserver saw `m.room.encryption` in a room; keyed by the room id. */
export interface ApplyRoomEncryptionData {
  readonly roomId: string;
  readonly algorithm: string;
}

/** To-device messages for one recipient user, from one `PUT /sendToDevice` (keyed by the recipient). */
export interface DeliverToDeviceData {
  readonly userId: string;
  readonly sender: string;
  readonly type: string;
  /** `deviceId` may be `*`: every device the recipient has when the command is decided. */
  readonly messages: readonly { readonly deviceId: string; readonly contentJson: string }[];
}

/** The device has received its to-device messages up to `upToSeq` (a sync with a later `since`). */
export interface AckToDeviceData {
  readonly userId: string;
  readonly deviceId: string;
  readonly upToSeq: number;
}

/** One backed-up session key as uploaded: the ranks the server compares, and the opaque data. */
export interface BackupSessionUpload {
  readonly roomId: string;
  readonly sessionId: string;
  readonly firstMessageIndex: number;
  readonly forwardedCount: number;
  readonly isVerified: boolean;
  /** `session_data` exactly as uploaded (JSON). */
  readonly sessionDataJson: string;
}

/** Backup commands are keyed `backup:<user id>`: one owner decides a user's backups. */
export interface CreateBackupVersionData {
  readonly userId: string;
  readonly algorithm: string;
  readonly authDataJson: string;
}
export interface UpdateBackupVersionData {
  readonly userId: string;
  readonly version: string;
  readonly algorithm: string;
  readonly authDataJson: string;
}
export interface DeleteBackupVersionData {
  readonly userId: string;
  readonly version: string;
}
export interface PutBackupKeysData {
  readonly userId: string;
  readonly version: string;
  readonly sessions: readonly BackupSessionUpload[];
}
export interface DeleteBackupKeysData {
  readonly userId: string;
  readonly version: string;
  readonly roomId: string | null;
  readonly sessionId: string | null;
}

export type CrossSigningKind = 'master' | 'self_signing' | 'user_signing';

/** A cross-signing key as uploaded: its kind, its ed25519 public key, and its canonical JSON. */
export interface CrossSigningKeyUpload {
  readonly kind: CrossSigningKind;
  readonly publicKey: string;
  readonly json: string;
}

export interface UploadCrossSigningKeysData {
  readonly userId: string;
  readonly keys: readonly CrossSigningKeyUpload[];
  /** A user-interactive auth stage was completed at the API for this request. */
  readonly authenticated: boolean;
}

/** The account's operator lets the user replace cross-signing keys without UIA until `until`. */
export interface AllowCrossSigningReplacementData {
  readonly userId: string;
  readonly until: number;
}

/**
 * One object of a `/keys/signatures/upload` body, as the uploader sent it (canonical JSON, with
 * its `signatures`). `keyId` is the body's key: a device id, or a master key's public key.
 * For another user's master key the API has already checked that the object is that key.
 */
export interface SignedObjectUpload {
  readonly targetUserId: string;
  readonly keyId: string;
  readonly json: string;
}

export interface UploadSignaturesData {
  readonly userId: string;
  readonly objects: readonly SignedObjectUpload[];
}

export const backupKey = (userId: string): string => `backup:${userId}`;

export type UploadKeysCommand = Envelope<'UploadKeys', UploadKeysData>;
export type ApplyMembershipCommand = Envelope<'ApplyMembership', ApplyMembershipData>;
export type ApplyDeviceChangeCommand = Envelope<'ApplyDeviceChange', ApplyDeviceChangeData>;
export type ClaimKeysCommand = Envelope<'ClaimKeys', ClaimKeysData>;
export type ApplyRoomEncryptionCommand = Envelope<'ApplyRoomEncryption', ApplyRoomEncryptionData>;
export type DeliverToDeviceCommand = Envelope<'DeliverToDevice', DeliverToDeviceData>;
export type AckToDeviceCommand = Envelope<'AckToDevice', AckToDeviceData>;
export type CreateBackupVersionCommand = Envelope<'CreateBackupVersion', CreateBackupVersionData>;
export type UpdateBackupVersionCommand = Envelope<'UpdateBackupVersion', UpdateBackupVersionData>;
export type DeleteBackupVersionCommand = Envelope<'DeleteBackupVersion', DeleteBackupVersionData>;
export type PutBackupKeysCommand = Envelope<'PutBackupKeys', PutBackupKeysData>;
export type DeleteBackupKeysCommand = Envelope<'DeleteBackupKeys', DeleteBackupKeysData>;
export type UploadCrossSigningKeysCommand = Envelope<'UploadCrossSigningKeys', UploadCrossSigningKeysData>;
export type AllowCrossSigningReplacementCommand = Envelope<'AllowCrossSigningReplacement', AllowCrossSigningReplacementData>;
export type UploadSignaturesCommand = Envelope<'UploadSignatures', UploadSignaturesData>;

export type Command =
  | UploadKeysCommand
  | ClaimKeysCommand
  | ApplyDeviceChangeCommand
  | ApplyMembershipCommand
  | ApplyRoomEncryptionCommand
  | DeliverToDeviceCommand
  | AckToDeviceCommand
  | CreateBackupVersionCommand
  | UpdateBackupVersionCommand
  | DeleteBackupVersionCommand
  | PutBackupKeysCommand
  | DeleteBackupKeysCommand
  | UploadCrossSigningKeysCommand
  | AllowCrossSigningReplacementCommand
  | UploadSignaturesCommand;
export type CommandType = Command['type'];

/** Metadata the API adds so the decided outcome can find its way back. */
export interface CommandRouting {
  /** The API instance waiting for the outcome; empty when nobody waits (homeserver ingest). */
  readonly replyTo: string;
}

export type RoutedCommand = Command & { readonly routing: CommandRouting };

export const COMMAND_TYPES: readonly CommandType[] = [
  'UploadKeys',
  'ClaimKeys',
  'ApplyDeviceChange',
  'ApplyMembership',
  'ApplyRoomEncryption',
  'DeliverToDevice',
  'AckToDevice',
  'CreateBackupVersion',
  'UpdateBackupVersion',
  'DeleteBackupVersion',
  'PutBackupKeys',
  'DeleteBackupKeys',
  'UploadCrossSigningKeys',
  'AllowCrossSigningReplacement',
  'UploadSignatures',
];
