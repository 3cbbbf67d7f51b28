import { ApplyDeviceChangeCommand, ApplyMembershipCommand, ApplyRoomEncryptionCommand, CommandRouting, HomeserverEvent } from '@app/contracts';
import { CommandBody, aggregateKeyOf } from './aggregates';

type Routed<C> = C & { readonly routing: CommandRouting };
export type HomeserverCommand = Routed<ApplyDeviceChangeCommand> | Routed<ApplyMembershipCommand> | Routed<ApplyRoomEncryptionCommand>;

/**
 * A homeserver event (from hs.events or the application-service push) becomes a command for the
 * partition owner of its user (of its room, for room encryption: `aggregateKeyOf`). The command id
 * is derived from the homeserver's event id, so a resent event is recognised as already applied. Nobody waits for these commands (empty replyTo).
 */
export function homeserverEventToCommand(event: HomeserverEvent, correlationId: string): HomeserverCommand {
  const envelope = { id: `hs:${event.id}`, schemaVersion: 1, time: event.ts, correlationId, causationId: null, routing: { replyTo: '' } };
  const body = commandBodyOf(event);
  return { ...envelope, ...body, key: aggregateKeyOf(body) } as HomeserverCommand;
}

function commandBodyOf(event: HomeserverEvent): Extract<CommandBody, { type: HomeserverCommand['type'] }> {
  if (event.type === 'room.encryption') return { type: 'ApplyRoomEncryption', data: { roomId: event.room_id, algorithm: event.algorithm } };
  if (event.type === 'membership') return { type: 'ApplyMembership', data: { userId: event.user_id, roomId: event.room_id, membership: event.membership } };
  const change = event.type === 'device.created' ? 'created' : event.type === 'device.renamed' ? 'renamed' : 'deleted';
  const displayName = event.type === 'device.deleted' ? null : (event.display_name ?? null);
  return { type: 'ApplyDeviceChange', data: { userId: event.user_id, deviceId: event.device_id, change, displayName } };
}
