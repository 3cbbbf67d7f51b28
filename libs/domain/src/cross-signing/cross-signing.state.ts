import { CrossSigningKeyUpload, CrossSigningKind, StoredSignature } from '@app/contracts';

/** The cross-signing aggregate (kept under the user id). */
export interface CrossSigningState {
  /** The user's cross-signing keys, and until when the operator allows replacing them without UIA. */
  readonly crossSigning?: {
    readonly keys: Readonly<Partial<Record<CrossSigningKind, CrossSigningKeyUpload>>>;
    readonly replaceAllowedUntil?: number;
    /** Signatures this user made that are recorded (see `signatureIdentity`), newest last. */
    readonly signatures?: readonly string[];
  };
}

/**
 * What cross-signing must know of the user's devices (the devices aggregate, same key): key ids
 * may not clash, and device keys sign and are signed. The device's `device_keys` JSON, null
 * before its first upload, undefined if there is no such device.
 */
export interface KnownDevices {
  keysJsonOf(deviceId: string): string | null | undefined;
}

/** Recorded signatures remembered to recognise re-uploads; an older one re-uploaded is recorded again, harmlessly. */
export const SIGNATURES_KEPT = 4096;

/** For the devices aggregate (same key): a device may not take the id of a cross-signing key. */
export const isCrossSigningKey = (state: CrossSigningState, keyId: string): boolean =>
  Object.values(state.crossSigning?.keys ?? {}).some((k) => k?.publicKey === keyId);

/** Identity of a stored signature, to tell a re-upload from a new one. */
export const signatureIdentity = (s: StoredSignature): string => `${s.targetUserId}|${s.targetKey}|${s.signerKeyId}|${s.signature}`;
