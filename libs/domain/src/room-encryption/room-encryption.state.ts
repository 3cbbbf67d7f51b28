/**
 * The room-encryption aggregate, kept under the room id (room commands are keyed by room, so one
 * partition owner decides them): the encryption algorithm once `m.room.encryption` was seen.
 */
export interface RoomEncryptionState {
  readonly roomEncryption?: string;
}
