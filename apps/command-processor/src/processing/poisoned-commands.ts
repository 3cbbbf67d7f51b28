import { CommandReply, RoutedCommand, encodeMessage } from '@app/contracts';
import { DecidedCommand, UserKeysState, decideBatch } from '@app/domain';
import { DeadLetterSink, deadLetterMessage } from '@app/platform';

/** A command whose pure decide threw: a bug, or input the domain cannot handle. Retrying cannot help. */
export interface PoisonedCommand {
  readonly command: RoutedCommand;
  readonly error: unknown;
}

/** Where poisoned commands are set aside; a failure to do so fails the batch (retried, as any I/O). */
export interface PoisonedCommands {
  setAside(partition: number, poisoned: PoisonedCommand): Promise<void>;
}

/**
 * `decideBatch`, but a command whose decide throws is taken out instead of failing the batch.
 * The batch is decided whole first (the usual case); only if that throws is it decided again one
 * command at a time, which is the same fold (decide is pure) and finds the commands that throw.
 */
export function decideIsolatingPoison(
  commands: readonly RoutedCommand[],
  states: ReadonlyMap<string, UserKeysState>,
  initial: () => UserKeysState,
): { decided: DecidedCommand[]; poisoned: PoisonedCommand[]; states: Map<string, UserKeysState> } {
  try {
    return { ...decideBatch(commands, states, initial), poisoned: [] };
  } catch {
    // One at a time below.
  }
  const decided: DecidedCommand[] = [];
  const poisoned: PoisonedCommand[] = [];
  let current = new Map(states);
  for (const command of commands) {
    try {
      const one = decideBatch([command], current, initial);
      decided.push(...one.decided);
      current = one.states;
    } catch (error) {
      poisoned.push({ command, error });
    }
  }
  return { decided, poisoned, states: current };
}

/** The waiting request's answer: an error (the keys-api makes it 500 M_UNKNOWN), never a success. */
export function failedReply({ command }: PoisonedCommand): CommandReply {
  const message = 'The key server could not process this request; it was set aside for an operator';
  return { commandId: command.id, replyTo: command.routing.replyTo, outcome: { ok: false, rejection: { code: 'COMMAND_FAILED', message } } };
}

/** Poisoned commands to e2ee.deadletter, with a metric and an error line (decode-or-dead-letter.ts). */
export class DeadLetteredCommands implements PoisonedCommands {
  constructor(
    private readonly commandsTopic: string,
    private readonly sink: DeadLetterSink,
  ) {}

  setAside(partition: number, { command, error }: PoisonedCommand): Promise<void> {
    // A decoded command no longer knows its offset: '' (left out); the command id names it instead.
    const message = { topic: this.commandsTopic, partition, offset: '', key: command.key, value: encodeMessage(command), headers: {} };
    return deadLetterMessage(message, 'decide', error, this.sink, { 'x-command-id': command.id, 'x-command-type': command.type });
  }
}
