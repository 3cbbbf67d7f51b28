import { ApplyDeviceChangeCommand, HomeserverEvent } from '@app/contracts';

/**
 * A homeserver event becomes a command for the user's partition owner. The command id is derived
 * from the homeserver's event id, so a resent event is recognised as already applied.
 */
export function toCommand(event: HomeserverEvent, correlationId: string): ApplyDeviceChangeCommand & { routing: { replyTo: string } } {
  const change = event.type === 'device.created' ? 'created' : event.type === 'device.renamed' ? 'renamed' : 'deleted';
  const displayName = event.type === 'device.deleted' ? null : (event.display_name ?? null);
  return {
    id: `hs:${event.id}`,
    type: 'ApplyDeviceChange',
    schemaVersion: 1,
    key: event.user_id,
    time: event.ts,
    correlationId,
    causationId: null,
    data: { userId: event.user_id, deviceId: event.device_id, change, displayName },
    routing: { replyTo: '' },
  };
}
