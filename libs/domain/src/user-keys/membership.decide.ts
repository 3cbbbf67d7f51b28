import { ApplyMembershipCommand } from '@app/contracts';
import { Decision } from './decision';
import { UserKeysState } from './user-keys.state';

/** A membership the user already has (leaving a room never joined included) records nothing. */
export function decideMembership(state: UserKeysState, command: ApplyMembershipCommand): Decision {
  const { userId, roomId, membership } = command.data;
  const current = state.rooms?.[roomId] ?? 'leave';
  const same = current === membership || (membership === 'ban' && current === 'leave');
  if (same) return { ok: true, events: [], result: { kind: 'device-change' } };
  return {
    ok: true,
    events: [
      {
        id: `${command.id}/0`,
        type: 'MembershipChanged',
        schemaVersion: 1,
        key: userId,
        time: command.time,
        correlationId: command.correlationId,
        causationId: command.id,
        data: { userId, roomId, membership },
      },
    ],
    result: { kind: 'device-change' },
  };
}
