import { evolveBackup } from '../room-key-backup/backup.decide';
import { DomainEvent } from '@app/contracts';
import { own } from '@app/matrix';
import { signatureIdentity } from '../cross-signing/signatures.decide';
import {
  CLAIMED_KEY_NAMES_KEPT,
  DeviceState,
  PROCESSED_COMMANDS_KEPT,
  RECENT_CLAIMS_KEPT,
  SIGNATURES_KEPT,
  UserKeysState,
  algorithmOf,
  emptyDevice,
} from './user-keys.state';

export function evolveUserKeys(state: UserKeysState, event: DomainEvent): UserKeysState {
  if (event.type === 'WriterStarted') return state; // a partition's fence marker: no user's state
  const next = rememberCommand(state, event.causationId);
  if (event.type === 'MembershipChanged') {
    const { roomId, membership } = event.data;
    const { [roomId]: _previous, ...rooms } = next.rooms ?? {};
    // Only current memberships are kept: a left or banned room is simply absent.
    return { ...next, rooms: membership === 'leave' || membership === 'ban' ? rooms : { ...rooms, [roomId]: membership } };
  }
  if (event.type === 'RoomEncryptionEnabled') return { ...next, roomEncryption: event.data.algorithm };
  if (
    event.type === 'BackupVersionCreated' ||
    event.type === 'BackupVersionUpdated' ||
    event.type === 'BackupVersionDeleted' ||
    event.type === 'BackupKeysStored' ||
    event.type === 'BackupKeysDeleted'
  ) {
    return { ...next, backup: evolveBackup(next.backup, event) };
  }
  if (event.type === 'CrossSigningKeysUploaded') {
    const keys = { ...(next.crossSigning?.keys ?? {}) };
    for (const key of event.data.keys) keys[key.kind] = key;
    // An approval is for replacing the master key it was given for: a new one closes the window.
    const replaced = event.data.keys.some((k) => k.kind === 'master');
    return { ...next, crossSigning: { ...next.crossSigning, keys, replaceAllowedUntil: replaced ? undefined : next.crossSigning?.replaceAllowedUntil } };
  }
  if (event.type === 'CrossSigningReplacementAllowed') {
    return { ...next, crossSigning: { ...next.crossSigning, keys: next.crossSigning?.keys ?? {}, replaceAllowedUntil: event.data.until } };
  }
  if (event.type === 'SignaturesUploaded') {
    const recorded = [...(next.crossSigning?.signatures ?? []), ...event.data.signatures.map(signatureIdentity)].slice(-SIGNATURES_KEPT);
    return { ...next, crossSigning: { ...next.crossSigning, keys: next.crossSigning?.keys ?? {}, signatures: recorded } };
  }
  const { deviceId } = event.data;
  const device = own(next.devices, deviceId) ?? emptyDevice();
  switch (event.type) {
    case 'DeviceKeysUploaded':
      return withDevice(next, deviceId, { ...device, keysJson: event.data.keysJson });
    case 'OneTimeKeysUploaded': {
      const added = event.data.keys.map((k) => ({ keyName: k.keyName, algorithm: algorithmOf(k.keyName), json: k.json }));
      return withDevice(next, deviceId, { ...device, oneTimeKeys: [...device.oneTimeKeys, ...added] });
    }
    case 'FallbackKeyUploaded': {
      const { algorithm, key } = event.data;
      const others = device.fallbackKeys.filter((f) => f.algorithm !== algorithm);
      return withDevice(next, deviceId, { ...device, fallbackKeys: [...others, { algorithm, keyName: key.keyName, json: key.json, used: false }] });
    }
    case 'OneTimeKeyClaimed': {
      const { keyName } = event.data;
      const taken = device.oneTimeKeys.find((k) => k.keyName === keyName);
      const claimed = {
        ...device,
        oneTimeKeys: device.oneTimeKeys.filter((k) => k.keyName !== keyName),
        claimedKeyNames: [...device.claimedKeyNames.slice(-(CLAIMED_KEY_NAMES_KEPT - 1)), keyName],
      };
      const recorded = taken ? recordClaim(next, event.causationId, deviceId, keyName, taken.json, false) : next;
      return withDevice(recorded, deviceId, claimed);
    }
    case 'FallbackKeyUsed': {
      const { algorithm, keyName } = event.data;
      const fallback = device.fallbackKeys.find((f) => f.algorithm === algorithm && f.keyName === keyName);
      if (!fallback) return next;
      const used = { ...device, fallbackKeys: device.fallbackKeys.map((f) => (f === fallback ? { ...f, used: true } : f)) };
      return withDevice(recordClaim(next, event.causationId, deviceId, keyName, fallback.json, true), deviceId, used);
    }
    case 'DeviceDisplayNameChanged':
      return withDevice(next, deviceId, { ...device, displayName: event.data.displayName });
    case 'ToDeviceQueued':
      return withDevice(next, deviceId, { ...device, toDevice: { lastSeq: event.data.seq, ackedSeq: device.toDevice?.ackedSeq ?? 0 } });
    case 'ToDeviceAcked':
      return withDevice(next, deviceId, { ...device, toDevice: { lastSeq: device.toDevice?.lastSeq ?? 0, ackedSeq: event.data.upToSeq } });
    case 'ToDeviceDropped':
      return next;
    case 'DeviceDeleted': {
      // Its keys, one-time keys and fallback keys go with it; the id may come back as a new device.
      const { [deviceId]: _deleted, ...devices } = next.devices;
      return { ...next, devices };
    }
    default: {
      const unhandled: never = event;
      throw new Error(`evolveUserKeys: unhandled event ${(unhandled as DomainEvent).type}`);
    }
  }
}

/** True when the events of this command are already folded into the state. */
export function hasProcessed(state: UserKeysState, commandId: string | null): boolean {
  return commandId !== null && state.processedCommands.includes(commandId);
}

function withDevice(state: UserKeysState, deviceId: string, device: DeviceState): UserKeysState {
  return { ...state, devices: { ...state.devices, [deviceId]: device } };
}

function rememberCommand(state: UserKeysState, commandId: string | null): UserKeysState {
  if (commandId === null || hasProcessed(state, commandId)) return state;
  const kept = state.processedCommands.slice(-(PROCESSED_COMMANDS_KEPT - 1));
  return { ...state, processedCommands: [...kept, commandId] };
}

function recordClaim(state: UserKeysState, commandId: string | null, deviceId: string, keyName: string, json: string, fallback: boolean): UserKeysState {
  if (commandId === null) return state;
  const kept = state.recentClaims.slice(-(RECENT_CLAIMS_KEPT - 1));
  return { ...state, recentClaims: [...kept, { commandId, deviceId, keyName, json, fallback }] };
}
