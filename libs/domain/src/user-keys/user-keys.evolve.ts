import { DomainEvent } from '@app/contracts';
import { PROCESSED_COMMANDS_KEPT, UserKeysState } from './user-keys.state';

export function evolveUserKeys(state: UserKeysState, event: DomainEvent): UserKeysState {
  const next = rememberCommand(state, event.causationId);
  switch (event.type) {
    case 'DeviceKeysUploaded': {
      const { deviceId, keysJson } = event.data;
      return { ...next, devices: { ...next.devices, [deviceId]: { ...next.devices[deviceId], keysJson } } };
    }
    default: {
      const unhandled: never = event.type;
      throw new Error(`evolveUserKeys: unhandled event ${String(unhandled)}`);
    }
  }
}

/** True when the events of this command are already folded into the state. */
export function hasProcessed(state: UserKeysState, commandId: string | null): boolean {
  return commandId !== null && state.processedCommands.includes(commandId);
}

function rememberCommand(state: UserKeysState, commandId: string | null): UserKeysState {
  if (commandId === null || hasProcessed(state, commandId)) return state;
  const kept = state.processedCommands.slice(-(PROCESSED_COMMANDS_KEPT - 1));
  return { ...state, processedCommands: [...kept, commandId] };
}
