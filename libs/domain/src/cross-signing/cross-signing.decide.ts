import { AllowCrossSigningReplacementCommand, UploadCrossSigningKeysCommand, UploadSignaturesCommand, EventOf } from '@app/contracts';
import { verifyObjectSignature } from '@app/matrix';
import { Decision, alreadyApplied, reject, withoutEvents } from '../shared/decision';
import { APPLIED, eventOf } from '../shared/event-of';
import { CrossSigningState, KnownDevices } from './cross-signing.state';
import { decideUploadSignatures } from './signatures.decide';

export type CrossSigningCommand = UploadCrossSigningKeysCommand | AllowCrossSigningReplacementCommand | UploadSignaturesCommand;

/** A user's cross-signing keys and the signatures they made. `redelivered`: already folded in. */
export function decideCrossSigning(state: CrossSigningState, command: CrossSigningCommand, redelivered: boolean, devices: KnownDevices): Decision {
  switch (command.type) {
    case 'UploadCrossSigningKeys':
      return redelivered ? alreadyApplied() : decideUploadCrossSigningKeys(state, command, command.data.authenticated, devices);
    case 'AllowCrossSigningReplacement':
      return redelivered ? alreadyApplied() : decideAllowCrossSigningReplacement(state, command);
    case 'UploadSignatures': {
      // Decided again on the state it changed: the same failures, and nothing new to record.
      const decision = decideUploadSignatures(state, command, devices);
      return redelivered ? withoutEvents(decision) : decision;
    }
    default: {
      const unhandled: never = command;
      throw new Error(`decideCrossSigning: unhandled command ${(unhandled as CrossSigningCommand).type}`);
    }
  }
}

/**
 * Cross-signing keys of one user. An identical re-upload records nothing and needs no
 * authentication; the first upload (no master key yet) needs none either; anything else needs
 * the operator's approval window (or a user-interactive auth stage completed at the API).
 */
export function decideUploadCrossSigningKeys(
  state: CrossSigningState,
  command: UploadCrossSigningKeysCommand,
  authenticated: boolean,
  devices: KnownDevices,
): Decision {
  const { userId, keys } = command.data;
  const stored = state.crossSigning?.keys ?? {};
  const changed = keys.filter((k) => stored[k.kind]?.json !== k.json);
  if (changed.length === 0) return { ok: true, events: [], result: APPLIED };
  const master = keys.find((k) => k.kind === 'master') ?? stored.master;
  if (!master) return reject('MISSING_MASTER_KEY', 'A master key is needed before self-signing or user-signing keys');
  const inUse = keys.find((k) => devices.keysJsonOf(k.publicKey) !== undefined);
  if (inUse) return reject('KEY_ID_IN_USE', 'Key ID in use: a device has this id');
  for (const key of keys.filter((k) => k.kind !== 'master')) {
    if (!verifyObjectSignature(JSON.parse(key.json), userId, `ed25519:${master.publicKey}`, master.publicKey)) {
      return reject('INVALID_SIGNATURE', `The ${key.kind} key must be signed by the master key`);
    }
  }
  const approved = (state.crossSigning?.replaceAllowedUntil ?? 0) > command.time;
  if (stored.master && !authenticated && !approved) return reject('AUTH_REQUIRED', 'Replacing cross-signing keys needs authentication');
  return {
    ok: true,
    events: [eventOf<EventOf<'CrossSigningKeysUploaded'>>(command, 0, 'CrossSigningKeysUploaded', { userId, keys: changed })],
    result: APPLIED,
  };
}

/** The operator's approval concerns the current master key (a user without one needs none). */
export function decideAllowCrossSigningReplacement(state: CrossSigningState, command: AllowCrossSigningReplacementCommand): Decision {
  const { userId, until } = command.data;
  if (!state.crossSigning?.keys.master) return reject('MISSING_MASTER_KEY', 'The user has no master cross-signing key');
  return {
    ok: true,
    events: [eventOf<EventOf<'CrossSigningReplacementAllowed'>>(command, 0, 'CrossSigningReplacementAllowed', { userId, until })],
    result: APPLIED,
  };
}
