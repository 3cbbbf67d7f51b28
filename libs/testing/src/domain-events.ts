import { DomainEvent } from '@app/contracts';

/** A stored event for specs that care only about its type, data and writer, not its ids or time. */
export function domainEvent<E extends DomainEvent>(type: E['type'], data: E['data'], fields: Partial<DomainEvent> = {}): E {
  return { id: 'e', type, schemaVersion: 1, key: 'k', time: 1, correlationId: 'c', causationId: null, data, ...fields } as E;
}
