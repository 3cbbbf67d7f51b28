import { ApplyMembershipCommand, EventOf } from '@app/contracts';
import { own } from '@app/matrix';
import { Decision, alreadyApplied } from '../shared/decision';
import { APPLIED, eventOf } from '../shared/event-of';
import { MembershipsState } from './memberships.state';

export type MembershipsCommand = ApplyMembershipCommand;

/** A membership the user already has (leaving a room never joined included) records nothing. */
export function decideMemberships(state: MembershipsState, command: MembershipsCommand, redelivered: boolean): Decision {
  const { userId, roomId, membership } = command.data;
  const current = own(state.rooms, roomId) ?? 'leave';
  const same = current === membership || (membership === 'ban' && current === 'leave');
  if (redelivered || same) return alreadyApplied();
  return { ok: true, events: [eventOf<EventOf<'MembershipChanged'>>(command, 0, 'MembershipChanged', { userId, roomId, membership })], result: APPLIED };
}
