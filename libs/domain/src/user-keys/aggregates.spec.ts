import { COMMAND_TYPES, Command, DomainEvent, EVENT_TYPES, HomeserverEvent, RoutedCommand } from '@app/contracts';
import { homeserverEventToCommand } from './homeserver-commands';
import { AggregateName, COMMAND_AGGREGATE, EVENT_AGGREGATE, aggregateKeyOf, evolveWithAggregate } from './aggregates';
import { decideUserKeys } from './user-keys.decide';
import { evolveUserKeys } from './user-keys.evolve';
import { UserKeysState, initialUserKeysState } from './user-keys.state';
import fixture from './fixtures/snapshots-before-aggregates.json';

/** The fields of the per-key state each aggregate owns: its evolve may change these and no others. */
const OWNED: Record<AggregateName, readonly string[]> = {
  devices: ['devices', 'recentClaims'],
  memberships: ['rooms'],
  'room-encryption': ['roomEncryption'],
  'cross-signing': ['crossSigning'],
  'room-key-backup': ['backup'],
};

const changedFields = (before: UserKeysState, after: UserKeysState): string[] =>
  [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => (before as unknown as Record<string, unknown>)[k] !== (after as unknown as Record<string, unknown>)[k])
    .sort();

describe('aggregates: the one routing table', () => {
  it('routes every command type and every event type of the contracts', () => {
    expect(Object.keys(COMMAND_AGGREGATE).sort()).toEqual([...COMMAND_TYPES].sort());
    expect(Object.keys(EVENT_AGGREGATE).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('chooses the key the senders use: the user, the room for encryption, backup:<user> for backups', () => {
    const keys = (fixture.phase1 as RoutedCommand[]).map((c) => [c.type, aggregateKeyOf(c), c.key]);
    for (const [type, chosen, sent] of keys) expect([type, chosen]).toEqual([type, sent]);
    expect(new Set(keys.map(([type]) => type)).size).toBe(14); // all but AllowCrossSigningReplacement, in phase 2
    expect(aggregateKeyOf({ type: 'AllowCrossSigningReplacement', data: { userId: '@u:x', until: 1 } })).toBe('@u:x');
  });

  it('agrees with the homeserver ingest, which keys room encryption by room', () => {
    const events: HomeserverEvent[] = [
      { schema: 'hs.v1', id: '1', type: 'device.created', user_id: '@u:x', device_id: 'D', ts: 1 },
      { schema: 'hs.v1', id: '2', type: 'membership', room_id: '!r:x', user_id: '@u:x', membership: 'join', ts: 1 },
      { schema: 'hs.v1', id: '3', type: 'room.encryption', room_id: '!r:x', algorithm: 'm.megolm.v1.aes-sha2', ts: 1 },
    ];
    for (const command of events.map((e) => homeserverEventToCommand(e, 'c'))) expect(aggregateKeyOf(command)).toBe(command.key);
  });

  it('each event changes only the fields of its own aggregate', () => {
    const decided = [...fixture.decided1, ...fixture.decided2].flatMap((d) => d.events as DomainEvent[]);
    const states = new Map<string, UserKeysState>();
    for (const event of decided) {
      const before = states.get(event.key) ?? initialUserKeysState();
      const after = evolveWithAggregate(before, event);
      const aggregate = EVENT_AGGREGATE[event.type];
      expect([event.type, changedFields(before, after).filter((f) => !(aggregate ? OWNED[aggregate] : []).includes(f))]).toEqual([event.type, []]);
      states.set(event.key, evolveUserKeys(before, event));
    }
    expect(decided.length).toBeGreaterThan(50);
  });

  it('a type it does not know (or named like an Object.prototype member) is an error, not a no-op', () => {
    const unknown = (type: string) => ({ id: 'x', type, schemaVersion: 1, key: 'k', time: 1, correlationId: 'c', causationId: 'x', data: {} }) as unknown;
    for (const type of ['Nope', 'constructor', 'toString']) {
      expect(() => decideUserKeys(initialUserKeysState(), unknown(type) as Command)).toThrow(`decideUserKeys: unhandled command ${type}`);
      expect(() => evolveUserKeys(initialUserKeysState(), unknown(type) as DomainEvent)).toThrow(`evolveUserKeys: unhandled event ${type}`);
    }
  });

  it('a partition fence marker belongs to no aggregate and changes nothing', () => {
    const state = initialUserKeysState();
    const marker = {
      id: 'w',
      type: 'WriterStarted',
      schemaVersion: 1,
      key: 'k',
      time: 1,
      correlationId: 'c',
      causationId: 'cmd',
      data: {},
    } as unknown as DomainEvent;
    expect(evolveUserKeys(state, marker)).toBe(state);
  });
});
