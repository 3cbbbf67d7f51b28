import { own, setOwn } from '@app/matrix';

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

/**
 * The devices aggregate (kept under the user id): each device's identity keys, one-time and
 * fallback keys and to-device inbox, and the recent claims that answer redelivered claims.
 */
export interface DevicesState {
  readonly devices: Readonly<Record<string, DeviceState>>;
  readonly recentClaims: readonly RecentClaim[];
}

export const RECENT_CLAIMS_KEPT = 64;
/** Per device; one-time key ids are counters, so a retried upload names recent ones. */
export const CLAIMED_KEY_NAMES_KEPT = 256;
/** Most messages a device's inbox holds; more are dropped (and counted) until it syncs. */
export const TO_DEVICE_INBOX_LIMIT = 1000;

export const initialDevicesState = (): DevicesState => ({ devices: {}, recentClaims: [] });

export const emptyDevice = (): DeviceState => ({ keysJson: null, oneTimeKeys: [], claimedKeyNames: [], fallbackKeys: [] });

/** `signed_curve25519:AAAAAQ` -> `signed_curve25519`. */
export const algorithmOf = (keyName: string): string => keyName.slice(0, keyName.indexOf(':'));

/** Unclaimed one-time keys per algorithm; `signed_curve25519` is always present, as clients expect. */
export function oneTimeKeyCounts(device: DeviceState | undefined): Record<string, number> {
  const counts: Record<string, number> = { signed_curve25519: 0 };
  for (const key of device?.oneTimeKeys ?? []) setOwn(counts, key.algorithm, (own(counts, key.algorithm) ?? 0) + 1);
  return counts;
}

/** For the other aggregates of the same key: the device's `device_keys` JSON, null before its first upload, undefined if no such device. */
export const deviceKeysJson = (state: DevicesState, deviceId: string): string | null | undefined => own(state.devices, deviceId)?.keysJson;
