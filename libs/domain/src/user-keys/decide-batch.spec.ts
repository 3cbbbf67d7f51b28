import { RoutedCommand } from '@app/contracts';
import { initialUserKeysState } from './user-keys.state';
import { decideBatch } from './decide-batch';

const command = (id: string, userId: string, keys: string): RoutedCommand => ({
  id,
  type: 'UploadKeys',
  schemaVersion: 1,
  key: userId,
  time: 1,
  correlationId: id,
  causationId: null,
  data: { userId, deviceId: 'D', deviceKeysJson: keys, oneTimeKeys: [], fallbackKeys: [], verifySignatures: false },
  routing: { replyTo: 'api-1' },
});

describe('decideBatch', () => {
  it('decides in log order, each command seeing the state left by the ones before it', () => {
    const { decided, states } = decideBatch(
      [command('1', '@a:x', '{"v":1}'), command('2', '@a:x', '{"v":1}'), command('3', '@a:x', '{"v":2}'), command('4', '@b:x', '{"v":9}')],
      new Map(),
      initialUserKeysState,
    );
    expect(decided.map((d) => d.events.length)).toEqual([1, 0, 0, 1]);
    expect(decided.map((d) => d.reply.outcome.ok)).toEqual([true, true, false, true]);
    expect(decided.every((d) => d.reply.replyTo === 'api-1')).toBe(true);
    expect(states.get('@a:x')!.devices.D.keysJson).toBe('{"v":1}');
    expect(states.get('@b:x')!.devices.D.keysJson).toBe('{"v":9}');
  });

  it('leaves the given states untouched (nothing is current until the events are durable)', () => {
    const before = new Map([['@a:x', initialUserKeysState()]]);
    decideBatch([command('1', '@a:x', '{"v":1}')], before, initialUserKeysState);
    expect(before.get('@a:x')!.devices).toEqual({});
  });
});
