import { UploadKeysCommand, EventOf } from '@app/contracts';
import { deciderSpec } from '@app/testing';
import { decideUserKeys } from './user-keys.decide';
import { evolveUserKeys } from './user-keys.evolve';
import { PROCESSED_COMMANDS_KEPT, initialUserKeysState } from './user-keys.state';

const spec = deciderSpec({ decide: decideUserKeys, evolve: evolveUserKeys, initial: initialUserKeysState });
const USER = '@alice:example.org';

const upload = (id: string, deviceKeysJson: string | null, deviceId = 'DEV'): UploadKeysCommand => ({
  id,
  type: 'UploadKeys',
  schemaVersion: 1,
  key: USER,
  time: 1700000000000,
  correlationId: `req-${id}`,
  causationId: null,
  data: { userId: USER, deviceId, deviceKeysJson, oneTimeKeys: [], fallbackKeys: [], verifySignatures: false },
});

const uploaded = (commandId: string, keysJson: string, deviceId = 'DEV'): EventOf<'DeviceKeysUploaded'> => ({
  id: `${commandId}/0`,
  type: 'DeviceKeysUploaded',
  schemaVersion: 1,
  key: USER,
  time: 1700000000000,
  correlationId: `req-${commandId}`,
  causationId: commandId,
  data: { userId: USER, deviceId, keysJson },
});

describe('decideUserKeys: UploadKeys', () => {
  it('records the first upload of a device as DeviceKeysUploaded, with ids and time from the command', () => {
    spec
      .given([])
      .when(upload('c1', '{"k":1}'))
      .then((decision) => {
        expect(decision).toEqual({ ok: true, events: [uploaded('c1', '{"k":1}')], result: { kind: 'upload', oneTimeKeyCounts: { signed_curve25519: 0 } } });
      });
  });

  it('is deterministic: the same command on the same state gives the same events', () => {
    const a = decideUserKeys(initialUserKeysState(), upload('c1', '{"k":1}'));
    const b = decideUserKeys(initialUserKeysState(), upload('c1', '{"k":1}'));
    expect(a).toEqual(b);
  });

  it('makes an identical re-upload (a new command) a no-op', () => {
    spec
      .given([uploaded('c1', '{"k":1}')])
      .when(upload('c2', '{"k":1}'))
      .then((decision) => {
        expect(decision).toMatchObject({ ok: true, events: [] });
      });
  });

  it('rejects different keys for an existing device id', () => {
    spec
      .given([uploaded('c1', '{"k":1}')])
      .when(upload('c2', '{"k":2}'))
      .then((decision) => {
        expect(decision).toMatchObject({ ok: false, rejection: { code: 'DEVICE_KEYS_CHANGED' } });
      });
  });

  it('accepts keys for a second device of the same user', () => {
    spec
      .given([uploaded('c1', '{"k":1}')])
      .when(upload('c2', '{"k":2}', 'OTHER'))
      .then((decision) => {
        expect(decision).toMatchObject({ ok: true, events: [uploaded('c2', '{"k":2}', 'OTHER')] });
      });
  });

  it('answers a redelivered command that already produced events without new events', () => {
    // The command was decided and its events are in the log; the processor crashed before committing.
    spec
      .given([uploaded('c1', '{"k":1}')])
      .when(upload('c1', '{"k":1}'))
      .then((decision) => {
        expect(decision).toMatchObject({ ok: true, events: [] });
      });
  });

  it('does nothing for an upload without device keys', () => {
    spec
      .given([])
      .when(upload('c1', null))
      .then((decision) => expect(decision).toMatchObject({ ok: true, events: [] }));
  });
});

describe('evolveUserKeys', () => {
  it('remembers a bounded number of processed command ids', () => {
    const events = Array.from({ length: PROCESSED_COMMANDS_KEPT + 10 }, (_, i) => uploaded(`c${i}`, `{"k":${i}}`, `D${i}`));
    const state = events.reduce(evolveUserKeys, initialUserKeysState());
    expect(state.processedCommands).toHaveLength(PROCESSED_COMMANDS_KEPT);
    expect(state.processedCommands[state.processedCommands.length - 1]).toBe(`c${PROCESSED_COMMANDS_KEPT + 9}`);
    expect(Object.keys(state.devices)).toHaveLength(PROCESSED_COMMANDS_KEPT + 10);
  });

  it('is not changed by folding the same event twice (besides being idempotent on command ids)', () => {
    const once = [uploaded('c1', '{"k":1}')].reduce(evolveUserKeys, initialUserKeysState());
    const twice = evolveUserKeys(once, uploaded('c1', '{"k":1}'));
    expect(twice).toEqual(once);
  });
});
