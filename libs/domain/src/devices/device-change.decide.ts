import { ApplyDeviceChangeCommand, DomainEvent, EventOf } from '@app/contracts';
import { own } from '@app/matrix';
import { Decision } from '../shared/decision';
import { APPLIED, eventOf } from '../shared/event-of';
import { DevicesState } from './devices.state';

/**
 * A device change reported by the homeserver: a device this server does not know yet comes to
 * exist (so to-device messages reach it before it uploads keys), a new or changed display name is
 * recorded, a deleted device (known to this server) is removed with all its keys. Anything else is
 * a no-op, so the homeserver (and every keys-api instance that sees the device) may resend freely.
 */
export function decideDeviceChange(state: DevicesState, command: ApplyDeviceChangeCommand): Decision {
  const { userId, deviceId, change, displayName } = command.data;
  const device = own(state.devices, deviceId);
  const events: DomainEvent[] = [];
  if (change === 'deleted') {
    if (device) events.push(eventOf<EventOf<'DeviceDeleted'>>(command, 0, 'DeviceDeleted', { userId, deviceId }));
  } else if (!device || change === 'renamed' || displayName !== null) {
    // A known device reported as created without a name keeps the name it has.
    if (!device || (device.displayName ?? null) !== displayName) {
      events.push(eventOf<EventOf<'DeviceDisplayNameChanged'>>(command, 0, 'DeviceDisplayNameChanged', { userId, deviceId, displayName }));
    }
  }
  return { ok: true, events, result: APPLIED };
}
