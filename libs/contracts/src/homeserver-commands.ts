import { ApplyDeviceChangeCommand, ApplyMembershipCommand, ApplyRoomEncryptionCommand, CommandRouting } from './commands';
import { HomeserverEvent } from './homeserver-events';

type Routed<C> = C & { readonly routing: CommandRouting };

/**
 * A homeserver event (from hs.events or the application-service push) becomes a command for the
 * partition owner of its user (of its room, for room encryption). The command id is derived from the homeserver's event id, so a resent
 * event is recognised as already applied. Nobody waits for these commands (empty replyTo).
 */
export function homeserverEventToCommand(
  event: HomeserverEvent,
  correlationId: string,
): Routed<ApplyDeviceChangeCommand> | Routed<ApplyMembershipCommand> | Routed<ApplyRoomEncryptionCommand> {
  const key = event.type === 'room.encryption' ? event.room_id : event.user_id;
  const base = { id: `hs:${event.id}`, schemaVersion: 1, key, time: event.ts, correlationId, causationId: null, routing: { replyTo: '' } };
  if (event.type === 'room.encryption') {
    return { ...base, type: 'ApplyRoomEncryption', data: { roomId: event.room_id, algorithm: event.algorithm } };
  }
  if (event.type === 'membership') {
    return { ...base, type: 'ApplyMembership', data: { userId: event.user_id, roomId: event.room_id, membership: event.membership } };
  }
  const change = event.type === 'device.created' ? 'created' : event.type === 'device.renamed' ? 'renamed' : 'deleted';
  const displayName = event.type === 'device.deleted' ? null : (event.display_name ?? null);
  return { ...base, type: 'ApplyDeviceChange', data: { userId: event.user_id, deviceId: event.device_id, change, displayName } };
}
