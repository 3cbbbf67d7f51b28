import { CommandResult, Outcome, Rejection, RoutedCommand } from '@app/contracts';
import { CommandGateway } from '../command-gateway/command-gateway';
import { aggregateKeyOf } from '@app/domain';

type Draft = Parameters<CommandGateway['execute']>[0];

/**
 * In-memory stand-in for the command gateway in handler specs: records what was sent and answers
 * with `answer` (accepted with `result` by default). Cast where a handler takes the real class.
 */
export class FakeCommandGateway implements Pick<CommandGateway, 'execute' | 'submit'> {
  /** Each command as the handler drafted it, with the key the real gateway sends it under. */
  readonly executed: { draft: Draft; key: string; correlationId: string }[] = [];
  readonly submitted: RoutedCommand[] = [];

  constructor(public answer: (draft: Draft) => Outcome = () => accepted({ kind: 'applied' })) {}

  async execute(draft: Draft, correlationId: string): Promise<Outcome> {
    this.executed.push({ draft, key: aggregateKeyOf(draft), correlationId });
    return this.answer(draft);
  }

  async submit(commands: readonly RoutedCommand[]): Promise<void> {
    this.submitted.push(...commands);
  }

  asGateway(): CommandGateway {
    return this as unknown as CommandGateway;
  }
}

export const accepted = (result: CommandResult): Outcome => ({ ok: true, result, eventCount: 1, lastPosition: null });
export const rejected = (rejection: Rejection): Outcome => ({ ok: false, rejection });
