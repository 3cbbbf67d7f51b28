import { RoomEncryptionEnabled } from '@app/contracts';
import { RoomEncryptionState } from './room-encryption.state';

export type RoomEncryptionEvent = RoomEncryptionEnabled;

export function evolveRoomEncryption<S extends RoomEncryptionState>(state: S, event: RoomEncryptionEvent): S {
  return { ...state, roomEncryption: event.data.algorithm };
}
