import { ApplyRoomEncryptionCommand, EventOf } from '@app/contracts';
import { Decision, alreadyApplied } from '../shared/decision';
import { APPLIED, eventOf } from '../shared/event-of';
import { RoomEncryptionState } from './room-encryption.state';

export type RoomEncryptionCommand = ApplyRoomEncryptionCommand;

/** Encryption is recorded once per room: it cannot be turned off, and a later change of algorithm does not matter here. */
export function decideRoomEncryption(state: RoomEncryptionState, command: RoomEncryptionCommand, redelivered: boolean): Decision {
  if (redelivered || state.roomEncryption !== undefined) return alreadyApplied();
  const { roomId, algorithm } = command.data;
  return { ok: true, events: [eventOf<EventOf<'RoomEncryptionEnabled'>>(command, 0, 'RoomEncryptionEnabled', { roomId, algorithm })], result: APPLIED };
}
