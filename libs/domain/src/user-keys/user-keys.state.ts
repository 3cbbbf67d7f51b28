import { CrossSigningKeyUpload, CrossSigningKind } from '@app/contracts';
import { own, setOwn } from '@app/matrix';
import { BackupState } from '../room-key-backup/backup.state';

/** A one-time key waiting in a device's pool. */
export interface PooledKey {
  readonly keyName: string;
  readonly algorithm: string;
  readonly json: string;
}

export interface FallbackKeyState {
  readonly algorithm: string;
  readonly keyName: string;
  readonly json: string;
  readonly used: boolean;
}

/** What the command-processor knows about one device. */
export interface DeviceState {
  /** Canonical JSON of the device's uploaded `device_keys`, or null before the first upload. */
  readonly keysJson: string | null;
  /** One-time keys not yet handed out, in upload order: claims take from the front. */
  readonly oneTimeKeys: readonly PooledKey[];
  /** Names of recently handed-out keys, so that a client re-uploading them does not refill the pool. */
  readonly claimedKeyNames: readonly string[];
  /** At most one per algorithm. */
  readonly fallbackKeys: readonly FallbackKeyState[];
  /** As the homeserver reported it; absent in states saved before it existed. */
  readonly displayName?: string | null;
  /** To-device inbox: the last sequence number given out and the last one the device received. */
  readonly toDevice?: { readonly lastSeq: number; readonly ackedSeq: number };
}

/** A key handed out by a claim command, kept so that a redelivered claim gets the same answer. */
export interface RecentClaim {
  readonly commandId: string;
  readonly deviceId: string;
  readonly keyName: string;
  readonly json: string;
  readonly fallback: boolean;
}

export interface UserKeysState {
  readonly devices: Readonly<Record<string, DeviceState>>;
  /** Ids of the most recent commands that produced events, to make redelivered commands no-ops. */
  readonly processedCommands: readonly string[];
  readonly recentClaims: readonly RecentClaim[];
  /** Rooms the user is in or invited to, by room id, as the homeserver reported them. */
  readonly rooms?: Readonly<Record<string, 'join' | 'invite' | 'knock'>>;
  /**
   * Only in the state kept under a room id (room commands are keyed by room, so one partition
   * owner decides them): the encryption algorithm once `m.room.encryption` was seen.
   */
  readonly roomEncryption?: string;
  /** Only in the state kept under `backup:<user id>`: the user's room-key backups. */
  readonly backup?: BackupState;
  /** The user's cross-signing keys, and until when the operator allows replacing them without UIA. */
  readonly crossSigning?: {
    readonly keys: Readonly<Partial<Record<CrossSigningKind, CrossSigningKeyUpload>>>;
    readonly replaceAllowedUntil?: number;
    /** Signatures this user made that are recorded (see `signatureIdentity`), newest last. */
    readonly signatures?: readonly string[];
  };
}

/** How many command ids a user's state remembers; redeliveries come within a batch or two. */
export const PROCESSED_COMMANDS_KEPT = 256;
export const RECENT_CLAIMS_KEPT = 64;
/** Recorded signatures remembered to recognise re-uploads; an older one re-uploaded is recorded again, harmlessly. */
export const SIGNATURES_KEPT = 4096;
/** Per device; one-time key ids are counters, so a retried upload names recent ones. */
export const CLAIMED_KEY_NAMES_KEPT = 256;

export const initialUserKeysState = (): UserKeysState => ({ devices: {}, processedCommands: [], recentClaims: [] });

export const emptyDevice = (): DeviceState => ({ keysJson: null, oneTimeKeys: [], claimedKeyNames: [], fallbackKeys: [] });

/** Most messages a device's inbox holds; more are dropped (and counted) until it syncs. */
export const TO_DEVICE_INBOX_LIMIT = 1000;

/** `signed_curve25519:AAAAAQ` -> `signed_curve25519`. */
export const algorithmOf = (keyName: string): string => keyName.slice(0, keyName.indexOf(':'));

/** Unclaimed one-time keys per algorithm; `signed_curve25519` is always present, as clients expect. */
export function oneTimeKeyCounts(device: DeviceState | undefined): Record<string, number> {
  const counts: Record<string, number> = { signed_curve25519: 0 };
  for (const key of device?.oneTimeKeys ?? []) setOwn(counts, key.algorithm, (own(counts, key.algorithm) ?? 0) + 1);
  return counts;
}
