import { EventOf } from '@app/contracts';
import { MembershipsState } from './memberships.state';

export type MembershipsEvent = EventOf<'MembershipChanged'>;

export function evolveMemberships<S extends MembershipsState>(state: S, event: MembershipsEvent): S {
  const { roomId, membership } = event.data;
  const { [roomId]: _previous, ...rooms } = state.rooms ?? {};
  // Only current memberships are kept: a left or banned room is simply absent.
  return { ...state, rooms: membership === 'leave' || membership === 'ban' ? rooms : { ...rooms, [roomId]: membership } };
}
