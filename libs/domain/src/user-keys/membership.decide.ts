import { ApplyMembershipCommand, ApplyRoomEncryptionCommand, MembershipChanged, RoomEncryptionEnabled } from '@app/contracts';
import { own } from '@app/matrix';
import { Decision } from './decision';
import { APPLIED, eventOf } from './event-of';
import { UserKeysState } from './user-keys.state';

/** A membership the user already has (leaving a room never joined included) records nothing. */
export function decideMembership(state: UserKeysState, command: ApplyMembershipCommand): Decision {
  const { userId, roomId, membership } = command.data;
  const current = own(state.rooms, roomId) ?? 'leave';
  const same = current === membership || (membership === 'ban' && current === 'leave');
  if (same) return { ok: true, events: [], result: APPLIED };
  return { ok: true, events: [eventOf<MembershipChanged>(command, 0, 'MembershipChanged', { userId, roomId, membership })], result: APPLIED };
}

/** Encryption is recorded once per room: it cannot be turned off, and a later change of algorithm does not matter here. */
export function decideRoomEncryption(state: UserKeysState, command: ApplyRoomEncryptionCommand): Decision {
  if (state.roomEncryption !== undefined) return { ok: true, events: [], result: APPLIED };
  const { roomId, algorithm } = command.data;
  return { ok: true, events: [eventOf<RoomEncryptionEnabled>(command, 0, 'RoomEncryptionEnabled', { roomId, algorithm })], result: APPLIED };
}
