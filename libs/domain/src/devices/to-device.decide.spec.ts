import { AckToDeviceCommand, Command, DeliverToDeviceCommand, DomainEvent } from '@app/contracts';
import { decideUserKeys } from '../user-keys/user-keys.decide';
import { evolveUserKeys } from '../user-keys/user-keys.evolve';
import { UserKeysState, initialUserKeysState } from '../user-keys/user-keys.state';
import { TO_DEVICE_INBOX_LIMIT, emptyDevice } from './devices.state';

let seq = 0;
const envelope = { schemaVersion: 1, key: '@r:x', time: 1, correlationId: 'c', causationId: null };
const deliver = (messages: DeliverToDeviceCommand['data']['messages'], id = `td${++seq}`): DeliverToDeviceCommand => ({
  ...envelope,
  id,
  type: 'DeliverToDevice',
  data: { userId: '@r:x', sender: '@s:x', type: 'm.room_key', messages },
});
const ack = (deviceId: string, upToSeq: number): AckToDeviceCommand => ({
  ...envelope,
  id: `ack${++seq}`,
  type: 'AckToDevice',
  data: { userId: '@r:x', deviceId, upToSeq },
});

function run(state: UserKeysState, command: Command): { events: readonly DomainEvent[]; state: UserKeysState } {
  const decision = decideUserKeys(state, command);
  if (!decision.ok) throw new Error('rejected');
  return { events: decision.events, state: decision.events.reduce(evolveUserKeys, state) };
}
const withDevices = (...ids: string[]): UserKeysState => ({ ...initialUserKeysState(), devices: Object.fromEntries(ids.map((id) => [id, emptyDevice()])) });
const queued = (events: readonly DomainEvent[]) =>
  events.filter((e) => e.type === 'ToDeviceQueued').map((e) => `${(e.data as { deviceId: string }).deviceId}#${(e.data as { seq: number }).seq}`);

describe('decide: to-device messages', () => {
  it('queues per device in order, expands * to the devices known now, and skips unknown devices', () => {
    let state = withDevices('A', 'B');
    const first = run(
      state,
      deliver([
        { deviceId: 'A', contentJson: '{"n":1}' },
        { deviceId: 'NOPE', contentJson: '{}' },
        { deviceId: '*', contentJson: '{"n":2}' },
      ]),
    );
    expect(queued(first.events)).toEqual(['A#1', 'A#2', 'B#1']);
    state = first.state;
    expect(queued(run(state, deliver([{ deviceId: 'B', contentJson: '{}' }])).events)).toEqual(['B#2']);
  });

  it('a redelivered command queues nothing twice (the same txn sent again)', () => {
    const command = deliver([{ deviceId: 'A', contentJson: '{}' }], 'td:same');
    const once = run(withDevices('A'), command);
    expect(run(once.state, command).events).toEqual([]);
  });

  it('acknowledgements only move forward and never past what was queued', () => {
    let state = run(
      withDevices('A'),
      deliver([
        { deviceId: 'A', contentJson: '{}' },
        { deviceId: 'A', contentJson: '{}' },
      ]),
    ).state;
    const acked = run(state, ack('A', 9));
    expect(acked.events.map((e) => e.data)).toEqual([{ userId: '@r:x', deviceId: 'A', upToSeq: 2 }]);
    state = acked.state;
    expect(run(state, ack('A', 1)).events).toEqual([]);
    expect(run(state, ack('GONE', 1)).events).toEqual([]);
  });

  it(`a full inbox (${TO_DEVICE_INBOX_LIMIT} unacknowledged) drops further messages until the device catches up`, () => {
    const full: UserKeysState = {
      ...initialUserKeysState(),
      devices: { A: { ...emptyDevice(), toDevice: { lastSeq: TO_DEVICE_INBOX_LIMIT + 5, ackedSeq: 5 } } },
    };
    expect(run(full, deliver([{ deviceId: 'A', contentJson: '{}' }])).events.map((e) => e.type)).toEqual(['ToDeviceDropped']);
    const caughtUp = run(full, ack('A', 6)).state;
    expect(queued(run(caughtUp, deliver([{ deviceId: 'A', contentJson: '{}' }])).events)).toEqual([`A#${TO_DEVICE_INBOX_LIMIT + 6}`]);
  });

  it('a deleted device loses its inbox; the id coming back starts a new one', () => {
    let state = run(withDevices('A'), deliver([{ deviceId: 'A', contentJson: '{}' }])).state;
    state = run(state, {
      ...envelope,
      id: 'del',
      type: 'ApplyDeviceChange',
      data: { userId: '@r:x', deviceId: 'A', change: 'deleted', displayName: null },
    }).state;
    expect(state.devices.A).toBeUndefined();
    expect(queued(run(state, deliver([{ deviceId: 'A', contentJson: '{}' }])).events)).toEqual([]);
  });
});
