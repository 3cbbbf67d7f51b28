import { CommandReply, DomainEvent, RoutedCommand } from '@app/contracts';
import { UserKeysState } from './user-keys.state';
import { decideUserKeys } from './user-keys.decide';
import { evolveUserKeys } from './user-keys.evolve';

export interface DecidedCommand {
  readonly command: RoutedCommand;
  readonly events: readonly DomainEvent[];
  readonly reply: Omit<CommandReply, 'outcome'> & { readonly outcome: CommandReply['outcome'] };
}

/**
 * Decides a batch of commands in log order against the given states. Pure: it returns the
 * decided events, the replies (their positions filled in once the events are durable) and
 * the users' new states; nothing is written here.
 */
export function decideBatch(
  commands: readonly RoutedCommand[],
  states: ReadonlyMap<string, UserKeysState>,
  initial: () => UserKeysState,
): { decided: DecidedCommand[]; states: Map<string, UserKeysState> } {
  const next = new Map(states);
  const decided: DecidedCommand[] = [];
  for (const command of commands) {
    const state = next.get(command.key) ?? initial();
    const decision = decideUserKeys(state, command);
    const base = { commandId: command.id, replyTo: command.routing.replyTo };
    if (!decision.ok) {
      decided.push({ command, events: [], reply: { ...base, outcome: { ok: false, rejection: decision.rejection } } });
      continue;
    }
    next.set(command.key, decision.events.reduce(evolveUserKeys, state));
    decided.push({
      command,
      events: decision.events,
      reply: { ...base, outcome: { ok: true, result: decision.result, eventCount: decision.events.length, lastPosition: null } },
    });
  }
  return { decided, states: next };
}
