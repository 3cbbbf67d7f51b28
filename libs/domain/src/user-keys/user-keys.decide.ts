import { Command, CommandResult, DomainEvent, Rejection, UploadKeysCommand } from '@app/contracts';
import { UserKeysState } from './user-keys.state';
import { hasProcessed } from './user-keys.evolve';

export type Decision =
  | { readonly ok: true; readonly events: readonly DomainEvent[]; readonly result: CommandResult }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * Pure: the outcome of a command against the user's current state. Event ids and times are
 * derived from the command, so deciding the same command on the same state gives the same events.
 */
export function decideUserKeys(state: UserKeysState, command: Command): Decision {
  if (hasProcessed(state, command.id)) return { ok: true, events: [], result: resultOf(state) };
  switch (command.type) {
    case 'UploadKeys':
      return decideUpload(state, command);
    default: {
      const unhandled: never = command.type;
      throw new Error(`decideUserKeys: unhandled command ${String(unhandled)}`);
    }
  }
}

function decideUpload(state: UserKeysState, command: UploadKeysCommand): Decision {
  const { userId, deviceId, deviceKeysJson } = command.data;
  const events: DomainEvent[] = [];
  if (deviceKeysJson !== null) {
    const existing = state.devices[deviceId]?.keysJson ?? null;
    if (existing !== null && existing !== deviceKeysJson) {
      return reject('DEVICE_KEYS_CHANGED', `Device keys for ${deviceId} already exist and differ; log the device in again to get a new device id`);
    }
    if (existing === null) {
      events.push({
        id: `${command.id}/0`,
        type: 'DeviceKeysUploaded',
        schemaVersion: 1,
        key: userId,
        time: command.time,
        correlationId: command.correlationId,
        causationId: command.id,
        data: { userId, deviceId, keysJson: deviceKeysJson },
      });
    }
  }
  return { ok: true, events, result: resultOf(state) };
}

function resultOf(_state: UserKeysState): CommandResult {
  // One-time keys arrive with the next slice; until then every device has none.
  return { oneTimeKeyCounts: { signed_curve25519: 0 } };
}

function reject(code: Rejection['code'], message: string): Decision {
  return { ok: false, rejection: { code, message } };
}
