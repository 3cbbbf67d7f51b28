import { ApplyDeviceChangeCommand, DeviceDeleted, DeviceDisplayNameChanged, DomainEvent } from '@app/contracts';
import { own } from '@app/matrix';
import { APPLIED, eventOf } from './event-of';
import { Decision } from './decision';
import { UserKeysState } from './user-keys.state';

/**
 * A device change reported by the homeserver: a new or changed display name is recorded; a
 * deleted device (known to this server) is removed with all its keys. Anything else is a no-op,
 * so the homeserver may resend freely.
 */
export function decideDeviceChange(state: UserKeysState, command: ApplyDeviceChangeCommand): Decision {
  const { userId, deviceId, change, displayName } = command.data;
  const device = own(state.devices, deviceId);
  const events: DomainEvent[] = [];
  if (change === 'deleted') {
    if (device) events.push(eventOf<DeviceDeleted>(command, 0, 'DeviceDeleted', { userId, deviceId }));
  } else if (change === 'renamed' || displayName !== null) {
    if ((device?.displayName ?? null) !== displayName || !device) {
      events.push(eventOf<DeviceDisplayNameChanged>(command, 0, 'DeviceDisplayNameChanged', { userId, deviceId, displayName }));
    }
  }
  return { ok: true, events, result: APPLIED };
}
