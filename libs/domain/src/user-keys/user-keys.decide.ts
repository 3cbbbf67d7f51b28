import { Command } from '@app/contracts';
import { Decision } from './decision';
import { APPLIED } from './event-of';
import { UserKeysState } from './user-keys.state';
import { hasProcessed } from './user-keys.evolve';
import { decideUpload, uploadResult } from './upload-keys.decide';
import { claimResult, decideClaim } from './claim-keys.decide';
import { decideDeviceChange } from './device-change.decide';
import { decideMembership, decideRoomEncryption } from './membership.decide';
import { decideAckToDevice, decideDeliverToDevice } from './to-device.decide';
import { decideAllowCrossSigningReplacement, decideUploadCrossSigningKeys } from '../cross-signing/cross-signing.decide';
import { decideUploadSignatures } from '../cross-signing/signatures.decide';
import {
  decideCreateBackupVersion,
  decideDeleteBackupKeys,
  decideDeleteBackupVersion,
  decidePutBackupKeys,
  decideUpdateBackupVersion,
} from '../room-key-backup/backup.decide';

export type { Decision };

/**
 * Pure: the outcome of a command against the user's current state. Event ids and times are
 * derived from the command, so deciding the same command on the same state gives the same events.
 * A command whose events are already in the state (redelivered after a crash) decides nothing new.
 */
export function decideUserKeys(state: UserKeysState, command: Command): Decision {
  const redelivered = hasProcessed(state, command.id);
  switch (command.type) {
    case 'UploadKeys':
      return redelivered ? uploadResult(state, command.data.deviceId) : decideUpload(state, command);
    case 'ClaimKeys':
      return redelivered ? claimResult(state, command) : decideClaim(state, command);
    case 'ApplyDeviceChange':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideDeviceChange(state, command);
    case 'ApplyMembership':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideMembership(state, command);
    case 'ApplyRoomEncryption':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideRoomEncryption(state, command);
    case 'DeliverToDevice':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideDeliverToDevice(state, command);
    case 'AckToDevice':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideAckToDevice(state, command);
    // Backups: a redelivered command is decided again on the state it already changed, which
    // gives the same answer (the version it created is the newest; its keys tie and are kept).
    case 'CreateBackupVersion':
      return redelivered ? { ok: true, events: [], result: { kind: 'backup-version', version: String(state.backup?.lastVersion ?? 0) } } : decideCreateBackupVersion(state.backup, command);
    case 'UpdateBackupVersion':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideUpdateBackupVersion(state.backup, command);
    case 'DeleteBackupVersion':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideDeleteBackupVersion(state.backup, command);
    case 'PutBackupKeys': {
      const decision = decidePutBackupKeys(state.backup, command);
      return redelivered && decision.ok ? { ...decision, events: [] } : decision;
    }
    case 'UploadCrossSigningKeys':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideUploadCrossSigningKeys(state, command, command.data.authenticated);
    case 'AllowCrossSigningReplacement':
      return redelivered ? { ok: true, events: [], result: APPLIED } : decideAllowCrossSigningReplacement(state, command);
    case 'UploadSignatures': {
      // Decided again on the state it changed: the same failures, and nothing new to record.
      const decision = decideUploadSignatures(state, command);
      return redelivered && decision.ok ? { ...decision, events: [] } : decision;
    }
    case 'DeleteBackupKeys': {
      const decision = decideDeleteBackupKeys(state.backup, command);
      return redelivered && decision.ok ? { ...decision, events: [] } : decision;
    }
    default: {
      const unhandled: never = command;
      throw new Error(`decideUserKeys: unhandled command ${(unhandled as Command).type}`);
    }
  }
}
