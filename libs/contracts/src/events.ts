import { Envelope } from './envelope';
import { BackupSessionUpload, CrossSigningKeyUpload, UploadedKey } from './commands';

export interface DeviceKeysUploadedData {
  readonly userId: string;
  readonly deviceId: string;
  /** Canonical JSON of the `device_keys` object exactly as the client uploaded it. */
  readonly keysJson: string;
}

export interface OneTimeKeysUploadedData {
  readonly userId: string;
  readonly deviceId: string;
  /** New keys only, in upload order (the order they will be handed out in). */
  readonly keys: readonly UploadedKey[];
}

export interface FallbackKeyUploadedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly algorithm: string;
  readonly key: UploadedKey;
}

export interface OneTimeKeyClaimedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly algorithm: string;
  readonly keyName: string;
  readonly claimedBy: string;
}

export interface FallbackKeyUsedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly algorithm: string;
  readonly keyName: string;
}

/**
 * A claim that took no one-time key and marked no fallback key used: recorded so that its command
 * is remembered, and a redelivery (after an upload) answers again without taking a key nobody gets.
 */
export interface ClaimDecidedData {
  readonly userId: string;
  readonly claimedBy: string;
}

export interface DeviceDisplayNameChangedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly displayName: string | null;
}

export interface DeviceDeletedData {
  readonly userId: string;
  readonly deviceId: string;
}

export interface MembershipChangedData {
  readonly userId: string;
  readonly roomId: string;
  readonly membership: 'join' | 'leave' | 'invite' | 'ban' | 'knock';
}

/** Keyed by the room id: the room's partition owner records it once (encryption is never turned off). */
export interface RoomEncryptionEnabledData {
  readonly roomId: string;
  readonly algorithm: string;
}

/** A message in a device's inbox; `seq` counts up per device from 1. */
export interface ToDeviceQueuedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly seq: number;
  readonly sender: string;
  readonly type: string;
  readonly contentJson: string;
}

/** Not queued: the device's inbox already held the most it may (its owner never syncs). */
export interface ToDeviceDroppedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly sender: string;
  readonly type: string;
}

export interface ToDeviceAckedData {
  readonly userId: string;
  readonly deviceId: string;
  readonly upToSeq: number;
}

export interface BackupVersionCreatedData {
  readonly userId: string;
  readonly version: string;
  readonly algorithm: string;
  readonly authDataJson: string;
}
export interface BackupVersionUpdatedData {
  readonly userId: string;
  readonly version: string;
  readonly authDataJson: string;
}
export interface BackupVersionDeletedData {
  readonly userId: string;
  readonly version: string;
}
/** Sessions added or replaced (by the keep-or-replace rule), at most 1,000 per event; etag and count after it. */
export interface BackupKeysStoredData {
  readonly userId: string;
  readonly version: string;
  readonly sessions: readonly BackupSessionUpload[];
  readonly etag: string;
  readonly count: number;
}
export interface BackupKeysDeletedData {
  readonly userId: string;
  readonly version: string;
  readonly roomId: string | null;
  readonly sessionId: string | null;
  readonly etag: string;
  readonly count: number;
}

/** The keys that changed (an identical re-upload records nothing). */
export interface CrossSigningKeysUploadedData {
  readonly userId: string;
  readonly keys: readonly CrossSigningKeyUpload[];
}
export interface CrossSigningReplacementAllowedData {
  readonly userId: string;
  readonly until: number;
}
/**
 * A signature the uploader made and the owner verified: on one of their own devices (by their
 * self-signing key), on their own master key (by one of their devices), or on another user's
 * master key (by their user-signing key). `targetKey` is the signed key's ed25519 public key, so
 * a signature on a since-replaced key can be told apart.
 */
export interface StoredSignature {
  readonly targetUserId: string;
  readonly keyId: string;
  readonly targetKey: string;
  readonly signerKeyId: string;
  readonly signature: string;
}
export interface SignaturesUploadedData {
  readonly userId: string;
  readonly signatures: readonly StoredSignature[];
}

/**
 * A fence marker: the partition's new owner appends it before it decides anything. From here on
 * the partition's events stand only if they name this writer (see writer-fence.ts).
 */
export interface WriterStartedData {
  readonly writer: string;
}

/** Every event type with its data: the union, the type names and `EventOf` all come from this one list. */
export interface EventDataByType {
  WriterStarted: WriterStartedData;
  DeviceKeysUploaded: DeviceKeysUploadedData;
  OneTimeKeysUploaded: OneTimeKeysUploadedData;
  FallbackKeyUploaded: FallbackKeyUploadedData;
  OneTimeKeyClaimed: OneTimeKeyClaimedData;
  FallbackKeyUsed: FallbackKeyUsedData;
  ClaimDecided: ClaimDecidedData;
  DeviceDisplayNameChanged: DeviceDisplayNameChangedData;
  DeviceDeleted: DeviceDeletedData;
  MembershipChanged: MembershipChangedData;
  RoomEncryptionEnabled: RoomEncryptionEnabledData;
  ToDeviceQueued: ToDeviceQueuedData;
  ToDeviceDropped: ToDeviceDroppedData;
  ToDeviceAcked: ToDeviceAckedData;
  BackupVersionCreated: BackupVersionCreatedData;
  BackupVersionUpdated: BackupVersionUpdatedData;
  BackupVersionDeleted: BackupVersionDeletedData;
  BackupKeysStored: BackupKeysStoredData;
  BackupKeysDeleted: BackupKeysDeletedData;
  CrossSigningKeysUploaded: CrossSigningKeysUploadedData;
  CrossSigningReplacementAllowed: CrossSigningReplacementAllowedData;
  SignaturesUploaded: SignaturesUploadedData;
}
export type DomainEventType = keyof EventDataByType;
export type DomainEvent = { [K in DomainEventType]: Envelope<K, EventDataByType[K]> }[DomainEventType];
/** The stored events of the types `T` (a union of types gives the union of their events, each narrowable by `type`). */
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

const EVENT_TYPE_SET: Record<DomainEventType, true> = {
  WriterStarted: true,
  DeviceKeysUploaded: true,
  OneTimeKeysUploaded: true,
  FallbackKeyUploaded: true,
  OneTimeKeyClaimed: true,
  FallbackKeyUsed: true,
  ClaimDecided: true,
  DeviceDisplayNameChanged: true,
  DeviceDeleted: true,
  MembershipChanged: true,
  RoomEncryptionEnabled: true,
  ToDeviceQueued: true,
  ToDeviceDropped: true,
  ToDeviceAcked: true,
  BackupVersionCreated: true,
  BackupVersionUpdated: true,
  BackupVersionDeleted: true,
  BackupKeysStored: true,
  BackupKeysDeleted: true,
  CrossSigningKeysUploaded: true,
  CrossSigningReplacementAllowed: true,
  SignaturesUploaded: true,
};
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as readonly DomainEventType[];

/** Events after which readers sharing a room with the user must re-query the user's devices. */
export const DEVICE_LIST_CHANGE_EVENTS = [
  'DeviceKeysUploaded',
  'DeviceDisplayNameChanged',
  'DeviceDeleted',
  'CrossSigningKeysUploaded',
  'SignaturesUploaded',
] as const satisfies readonly DomainEventType[];

/** An event as read back from the log, with where it sits. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  readonly event: E;
  readonly partition: number;
  readonly offset: string;
}
