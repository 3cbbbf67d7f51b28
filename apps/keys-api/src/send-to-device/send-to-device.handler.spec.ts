import { MatrixError } from '@app/matrix';
import { FakeCommandGateway, rejected } from '../testing/fake-command-gateway';
import { testSettings } from '../testing/settings';
import { RequestLimits } from '../rate-limits/request-limits';
import { SendToDeviceHandler } from './send-to-device.handler';
import { SendToDeviceRequest } from './send-to-device.command';
import { aggregateKeyOf } from '@app/domain';

const alice = { userId: '@alice:example.org', deviceId: 'ALICE' };

function handler(gateway = new FakeCommandGateway(), limited = false) {
  const settings = testSettings();
  const rules = { ...settings.rateLimits, enabled: limited, toDevice: { perSecond: 0.001, burst: 1 } };
  return { gateway, handler: new SendToDeviceHandler(gateway.asGateway(), settings, new RequestLimits(rules, () => 0)) };
}

const send = (messages: Record<string, unknown>, txnId = 't1') => new SendToDeviceRequest(alice, 'm.room_key_request', txnId, messages, 'corr');

describe('SendToDeviceHandler', () => {
  it('sends one DeliverToDevice per recipient user, with an id a retry repeats', async () => {
    const { gateway, handler: h } = handler();
    await expect(
      h.execute(send({ '@bob:example.org': { B1: { a: 1 }, '*': { a: 2 } }, '@carol:example.org': { C1: {} }, '@dan:example.org': {} })),
    ).resolves.toEqual({});
    expect(gateway.executed.map(({ draft }) => [draft.id, aggregateKeyOf(draft), draft.data])).toEqual([
      [
        '["to-device","@alice:example.org","ALICE","t1","@bob:example.org"]',
        '@bob:example.org',
        {
          userId: '@bob:example.org',
          sender: alice.userId,
          type: 'm.room_key_request',
          messages: [
            { deviceId: 'B1', contentJson: '{"a":1}' },
            { deviceId: '*', contentJson: '{"a":2}' },
          ],
        },
      ],
      [
        '["to-device","@alice:example.org","ALICE","t1","@carol:example.org"]',
        '@carol:example.org',
        { userId: '@carol:example.org', sender: alice.userId, type: 'm.room_key_request', messages: [{ deviceId: 'C1', contentJson: '{}' }] },
      ],
    ]);
    expect(gateway.executed.every((e) => e.correlationId === 'corr')).toBe(true);
  });

  it('refuses a remote recipient before sending anything', async () => {
    const { gateway, handler: h } = handler();
    await expect(h.execute(send({ '@bob:example.org': { B1: {} }, '@eve:other.org': { E1: {} } }))).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
      status: 400,
    });
    expect(gateway.executed).toEqual([]);
  });

  it('charges the rate limit only for a well-formed request', async () => {
    const { handler: h } = handler(new FakeCommandGateway(), true);
    await expect(h.execute(send({ bob: {} }))).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM' });
    await h.execute(send({ '@bob:example.org': { B1: {} } }));
    await expect(h.execute(send({ '@bob:example.org': { B1: {} } }, 't2'))).rejects.toMatchObject({ errcode: 'M_LIMIT_EXCEEDED', status: 429 });
  });

  it('maps a refused delivery to its Matrix error', async () => {
    const gateway = new FakeCommandGateway(() => rejected({ code: 'INVALID_COMMAND', message: 'no' }));
    await expect(handler(gateway).handler.execute(send({ '@bob:example.org': { B1: {} } }))).rejects.toEqual(new MatrixError('M_BAD_JSON', 'no', 400));
  });
});
