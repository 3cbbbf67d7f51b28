import {
  AllowCrossSigningReplacementCommand,
  CrossSigningKeysUploaded,
  CrossSigningReplacementAllowed,
  UploadCrossSigningKeysCommand,
} from '@app/contracts';
import { own, verifyObjectSignature } from '@app/matrix';
import { Decision, reject } from '../user-keys/decision';
import { APPLIED, eventOf } from '../user-keys/event-of';
import { UserKeysState } from '../user-keys/user-keys.state';

/**
 * Cross-signing keys of one user. An identical re-upload records nothing and needs no
 * authentication; the first upload (no master key yet) needs none either; anything else needs
 * the operator's approval window (or a user-interactive auth stage completed at the API).
 */
export function decideUploadCrossSigningKeys(state: UserKeysState, command: UploadCrossSigningKeysCommand, authenticated: boolean): Decision {
  const { userId, keys } = command.data;
  const stored = state.crossSigning?.keys ?? {};
  const changed = keys.filter((k) => stored[k.kind]?.json !== k.json);
  if (changed.length === 0) return { ok: true, events: [], result: APPLIED };
  const master = keys.find((k) => k.kind === 'master') ?? stored.master;
  if (!master) return reject('MISSING_MASTER_KEY', 'A master key is needed before self-signing or user-signing keys');
  const inUse = keys.find((k) => own(state.devices, k.publicKey) !== undefined);
  if (inUse) return reject('KEY_ID_IN_USE', 'Key ID in use: a device has this id');
  for (const key of keys.filter((k) => k.kind !== 'master')) {
    if (!verifyObjectSignature(JSON.parse(key.json), userId, `ed25519:${master.publicKey}`, master.publicKey)) {
      return reject('INVALID_SIGNATURE', `The ${key.kind} key must be signed by the master key`);
    }
  }
  const approved = (state.crossSigning?.replaceAllowedUntil ?? 0) > command.time;
  if (stored.master && !authenticated && !approved) return reject('AUTH_REQUIRED', 'Replacing cross-signing keys needs authentication');
  return { ok: true, events: [eventOf<CrossSigningKeysUploaded>(command, 0, 'CrossSigningKeysUploaded', { userId, keys: changed })], result: APPLIED };
}

/** The operator's approval concerns the current master key (a user without one needs none). */
export function decideAllowCrossSigningReplacement(state: UserKeysState, command: AllowCrossSigningReplacementCommand): Decision {
  const { userId, until } = command.data;
  if (!state.crossSigning?.keys.master) return reject('MISSING_MASTER_KEY', 'The user has no master cross-signing key');
  return { ok: true, events: [eventOf<CrossSigningReplacementAllowed>(command, 0, 'CrossSigningReplacementAllowed', { userId, until })], result: APPLIED };
}
