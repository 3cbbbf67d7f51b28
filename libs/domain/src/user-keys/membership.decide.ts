import { ApplyMembershipCommand, MembershipChanged } from '@app/contracts';
import { Decision } from './decision';
import { APPLIED, eventOf } from './event-of';
import { UserKeysState } from './user-keys.state';

/** A membership the user already has (leaving a room never joined included) records nothing. */
export function decideMembership(state: UserKeysState, command: ApplyMembershipCommand): Decision {
  const { userId, roomId, membership } = command.data;
  const current = state.rooms?.[roomId] ?? 'leave';
  const same = current === membership || (membership === 'ban' && current === 'leave');
  if (same) return { ok: true, events: [], result: APPLIED };
  return { ok: true, events: [eventOf<MembershipChanged>(command, 0, 'MembershipChanged', { userId, roomId, membership })], result: APPLIED };
}
