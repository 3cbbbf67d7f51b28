import { ApplyMembershipCommand, EventOf } from '@app/contracts';
import { deciderSpec, membershipCommand } from '@app/testing';
import { decideMemberships } from './memberships.decide';
import { evolveMemberships } from './memberships.evolve';
import { MembershipsState } from './memberships.state';

/** The memberships aggregate on its own state (no devices, no command log). */
const spec = deciderSpec({
  decide: (s: MembershipsState, c: ApplyMembershipCommand) => decideMemberships(s, c, false),
  evolve: evolveMemberships,
  initial: (): MembershipsState => ({}),
});
const membership = (roomId: string, m: ApplyMembershipCommand['data']['membership'], id = `m-${roomId}-${m}`) => membershipCommand(id, roomId, m);
const changed = (roomId: string, m: ApplyMembershipCommand['data']['membership']): EventOf<'MembershipChanged'> => ({
  id: `e-${roomId}-${m}`,
  type: 'MembershipChanged',
  schemaVersion: 1,
  key: '@u:x',
  time: 1,
  correlationId: 'c',
  causationId: `m-${roomId}-${m}`,
  data: { userId: '@u:x', roomId, membership: m },
});

describe('memberships aggregate', () => {
  it('records a change, and nothing for the membership the user already has', () => {
    spec
      .given([])
      .when(membership('!r:x', 'join'))
      .then((d) => expect(d.ok && d.events.map((e) => e.data)).toEqual([{ userId: '@u:x', roomId: '!r:x', membership: 'join' }]));
    spec
      .given([changed('!r:x', 'join')])
      .when(membership('!r:x', 'join'))
      .then((d) => expect(d.ok && d.events).toEqual([]));
  });

  it('keeps only current memberships: a left room is absent', () => {
    const { state } = spec.given([changed('!a:x', 'invite'), changed('!b:x', 'join'), changed('!a:x', 'leave')]);
    expect(state).toEqual({ rooms: { '!b:x': 'join' } });
  });

  it('a redelivered command records nothing, even a change', () => {
    expect(decideMemberships({}, membership('!r:x', 'join'), true)).toEqual({ ok: true, events: [], result: { kind: 'applied' } });
  });
});
