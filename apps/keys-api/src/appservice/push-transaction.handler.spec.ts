import { FakeCommandGateway } from '../testing/fake-command-gateway';
import { PushTransactionHandler } from './push-transaction.handler';
import { PushTransactionRequest } from './push-transaction.command';

const member = (id: string, membership: string) => ({
  event_id: id,
  room_id: '!r:example.org',
  type: 'm.room.member',
  state_key: '@bob:example.org',
  content: { membership },
  origin_server_ts: 5,
});

describe('PushTransactionHandler', () => {
  it('submits one command per usable event, with ids a retried transaction repeats, and skips the rest', async () => {
    const gateway = new FakeCommandGateway();
    const handler = new PushTransactionHandler(gateway.asGateway());
    const events = [member('$1', 'join'), { type: 'm.room.message', event_id: '$2', room_id: '!r:example.org' }, 'junk', member('$3', 'leave')];
    await expect(handler.execute(new PushTransactionRequest('txn1', events, 'req'))).resolves.toEqual({});
    const first = gateway.submitted.map((c) => [c.type, c.key, c.id]);
    expect(first).toHaveLength(2);
    await handler.execute(new PushTransactionRequest('txn1', events, 'req'));
    expect(gateway.submitted.slice(2).map((c) => [c.type, c.key, c.id])).toEqual(first);
    expect(gateway.executed).toEqual([]); // nobody waits for the outcome
  });

  it('sends nothing for a transaction without usable events', async () => {
    const gateway = new FakeCommandGateway();
    await new PushTransactionHandler(gateway.asGateway()).execute(new PushTransactionRequest('txn2', [], 'req'));
    expect(gateway.submitted).toEqual([]);
  });
});
