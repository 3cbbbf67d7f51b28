import { DomainEvent } from '@app/contracts';
import { evolveWithAggregate } from './aggregates';
import { PROCESSED_COMMANDS_KEPT, UserKeysState } from './user-keys.state';

export function evolveUserKeys(state: UserKeysState, event: DomainEvent): UserKeysState {
  if (event.type === 'WriterStarted') return state; // a partition's fence marker: no key's state
  return evolveWithAggregate(rememberCommand(state, event.causationId), event);
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
