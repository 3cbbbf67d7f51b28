import { EventOf } from '@app/contracts';
import { RoomEncryptionState } from './room-encryption.state';

export type RoomEncryptionEvent = EventOf<'RoomEncryptionEnabled'>;

export function evolveRoomEncryption<S extends RoomEncryptionState>(state: S, event: RoomEncryptionEvent): S {
  return { ...state, roomEncryption: event.data.algorithm };
}
