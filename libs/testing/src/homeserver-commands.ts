import { ApplyMembershipCommand, ApplyRoomEncryptionCommand } from '@app/contracts';

// The envelope fields specs do not look at.
const envelope = { schemaVersion: 1, time: 1, correlationId: 'c', causationId: null } as const;

/** An ApplyMembership command, as the homeserver ingest makes it, keyed by the user. */
export const membershipCommand = (
  id: string,
  roomId: string,
  membership: ApplyMembershipCommand['data']['membership'],
  userId = '@u:x',
): ApplyMembershipCommand => ({
  ...envelope,
  id,
  type: 'ApplyMembership',
  key: userId,
  data: { userId, roomId, membership },
});

/** An ApplyRoomEncryption command, as the homeserver ingest makes it, keyed by the room. */
export const roomEncryptionCommand = (id: string, algorithm: string, roomId = '!r:x'): ApplyRoomEncryptionCommand => ({
  ...envelope,
  id,
  type: 'ApplyRoomEncryption',
  key: roomId,
  data: { roomId, algorithm },
});
