import { CommandReply } from '@app/contracts';
import { ReplyWaiters } from './reply-waiters';

/** What a promise has settled to so far, without waiting for it (a lost reply stays 'pending'). */
async function now<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

const replyTo = (commandId: string): CommandReply => ({
  commandId,
  replyTo: 'api-1',
  outcome: { ok: true, result: { kind: 'applied' }, eventCount: 0, lastPosition: null },
});

/** Two requests for one command id: a client retrying PUT /sendToDevice with the same txn id. */
describe('ReplyWaiters', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('answers every request waiting for the same command id', async () => {
    const waiters = new ReplyWaiters();
    const first = waiters.expect('cmd', 1000);
    const second = waiters.expect('cmd', 1000);
    waiters.deliver(replyTo('cmd'));
    expect(await now(first.reply)).toEqual(replyTo('cmd'));
    expect(await now(second.reply)).toEqual(replyTo('cmd'));
  });

  it("does not let an earlier request's timeout unregister a later one", async () => {
    const waiters = new ReplyWaiters();
    const first = waiters.expect('cmd', 1000);
    jest.advanceTimersByTime(500);
    const second = waiters.expect('cmd', 1000);
    jest.advanceTimersByTime(500); // the first times out; the second still waits
    expect(await now(first.reply)).toBeNull();
    waiters.deliver(replyTo('cmd'));
    expect(await now(second.reply)).toEqual(replyTo('cmd'));
  });

  it("does not let an earlier request's cancel (a failed send) unregister a later one", async () => {
    const waiters = new ReplyWaiters();
    const first = waiters.expect('cmd', 1000);
    const second = waiters.expect('cmd', 1000);
    first.cancel();
    waiters.deliver(replyTo('cmd'));
    expect(await now(second.reply)).toEqual(replyTo('cmd'));
  });

  it('times out with null and forgets the waiter', async () => {
    const waiters = new ReplyWaiters();
    const pending = waiters.expect('cmd', 1000);
    jest.advanceTimersByTime(1000);
    expect(await now(pending.reply)).toBeNull();
    expect(waiters.size).toBe(0);
  });
});
