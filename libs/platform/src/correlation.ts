import { AsyncLocalStorage } from 'node:async_hooks';

/** The correlation id of the request or message being handled, for logs and envelopes. */
const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function withCorrelation<T>(correlationId: string, fn: () => T): T {
  return storage.run({ correlationId }, fn);
}

export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}
