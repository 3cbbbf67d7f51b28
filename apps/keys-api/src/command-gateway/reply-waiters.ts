import { CommandReply } from '@app/contracts';

export interface PendingReply {
  readonly reply: Promise<CommandReply | null>;
  cancel(): void;
}

type Waiter = (reply: CommandReply | null) => void;

/**
 * The requests of this instance waiting for a command's reply. Several may wait for one command
 * id (a client retrying with the same txn id while the first request is still open; the owner
 * answers a repeated command again), so each waiter is its own entry: a timeout, a cancel or a
 * reply removes exactly the waiters it concerns, never one registered later by another request.
 */
export class ReplyWaiters {
  private readonly waiting = new Map<string, Set<Waiter>>();

  /** The reply answers every request waiting for its command (the outcome is the command's). */
  deliver(reply: CommandReply): void {
    const waiters = this.waiting.get(reply.commandId);
    if (!waiters) return;
    this.waiting.delete(reply.commandId);
    for (const waiter of waiters) waiter(reply);
  }

  /** Call before the command is sent, so a fast reply cannot be missed. */
  expect(commandId: string, timeoutMs: number): PendingReply {
    let waiter!: Waiter;
    const reply = new Promise<CommandReply | null>((resolve) => {
      waiter = (r) => {
        clearTimeout(timer);
        this.remove(commandId, waiter);
        resolve(r);
      };
    });
    const timer = setTimeout(() => waiter(null), timeoutMs);
    if (!this.waiting.has(commandId)) this.waiting.set(commandId, new Set());
    this.waiting.get(commandId)!.add(waiter);
    return { reply, cancel: () => waiter(null) };
  }

  /** Requests waiting now, for tests and metrics. */
  get size(): number {
    let n = 0;
    for (const waiters of this.waiting.values()) n += waiters.size;
    return n;
  }

  private remove(commandId: string, waiter: Waiter): void {
    const waiters = this.waiting.get(commandId);
    if (!waiters) return;
    waiters.delete(waiter);
    if (waiters.size === 0) this.waiting.delete(commandId);
  }
}
