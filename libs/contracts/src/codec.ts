import { Envelope } from './envelope';
import { COMMAND_TYPES, RoutedCommand } from './commands';
import { DomainEvent, EVENT_TYPES } from './events';
import { CommandReply } from './replies';

/** A message that cannot be turned into a known envelope; it goes to the dead-letter topic. */
export class UndecodableMessageError extends Error {}

export function encodeMessage(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function parseEnvelope(raw: Buffer | null): Envelope {
  if (!raw) throw new UndecodableMessageError('empty message');
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new UndecodableMessageError(`not JSON: ${(err as Error).message}`);
  }
  if (!isEnvelope(value)) throw new UndecodableMessageError('not an envelope');
  return value;
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.type === 'string' &&
    typeof v.schemaVersion === 'number' &&
    typeof v.key === 'string' &&
    typeof v.time === 'number' &&
    typeof v.correlationId === 'string' &&
    (v.causationId === null || typeof v.causationId === 'string') &&
    typeof v.data === 'object' &&
    v.data !== null
  );
}

export function decodeCommand(raw: Buffer | null): RoutedCommand {
  const envelope = parseEnvelope(raw) as RoutedCommand;
  if (!(COMMAND_TYPES as readonly string[]).includes(envelope.type)) {
    throw new UndecodableMessageError(`unknown command type ${envelope.type}`);
  }
  if (typeof envelope.routing?.replyTo !== 'string') throw new UndecodableMessageError('command without routing');
  return envelope;
}

export function decodeEvent(raw: Buffer | null): DomainEvent {
  const envelope = parseEnvelope(raw);
  if (!(EVENT_TYPES as readonly string[]).includes(envelope.type)) {
    throw new UndecodableMessageError(`unknown event type ${envelope.type}`);
  }
  return envelope as DomainEvent;
}

export function decodeReply(raw: Buffer | null): CommandReply {
  if (!raw) throw new UndecodableMessageError('empty reply');
  try {
    const reply = JSON.parse(raw.toString('utf8')) as CommandReply;
    if (typeof reply.commandId !== 'string' || typeof reply.replyTo !== 'string') throw new Error('bad reply');
    return reply;
  } catch (err) {
    throw new UndecodableMessageError((err as Error).message);
  }
}
