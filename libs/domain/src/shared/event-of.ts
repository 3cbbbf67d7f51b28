import { Command, DomainEvent } from '@app/contracts';

/**
 * The `index`-th event a command causes. Its id, time and correlation come from the command, so
 * deciding the same command on the same state always gives the same events.
 */
export function eventOf<E extends DomainEvent>(command: Command, index: number, type: E['type'], data: E['data']): E {
  return {
    id: `${command.id}/${index}`,
    type,
    schemaVersion: 1,
    key: command.key,
    time: command.time,
    correlationId: command.correlationId,
    causationId: command.id,
    data,
  } as E;
}

/** The result of a homeserver change (applied now, or already). */
export const APPLIED = { kind: 'applied' } as const;
