import { Command } from '@app/contracts';
import { Decision } from '../shared/decision';
import { decideWithAggregate } from './aggregates';
import { hasProcessed } from './user-keys.evolve';
import { UserKeysState } from './user-keys.state';

export type { Decision };

/**
 * Pure: the outcome of a command against the current state of its key. Event ids and times are
 * derived from the command, so deciding the same command on the same state gives the same events.
 * A command whose events are already in the state (redelivered after a crash) decides nothing new.
 */
export function decideUserKeys(state: UserKeysState, command: Command): Decision {
  return decideWithAggregate(state, command, hasProcessed(state, command.id));
}
