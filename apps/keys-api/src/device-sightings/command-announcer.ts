import { randomUUID } from 'node:crypto';
import { homeserverEventToCommand } from '@app/domain';
import { CommandGateway } from '../command-gateway/command-gateway';
import { DeviceAnnouncer } from './device-sightings';

/**
 * Announces a device as the homeserver would on hs.events: a `device.created` without a display
 * name becomes an ApplyDeviceChange command for the user's partition owner (a known device keeps
 * its name). Ids are fresh: a device id can come back after a deletion as a new device. It waits
 * for the owner's answer, so the device's event is in e2ee.events before the request goes on: a
 * read barrier or a sync token taken by that request then covers it (a device appearing after the
 * token it was first seen with would show its user as changed to itself).
 */
export class CommandDeviceAnnouncer implements DeviceAnnouncer {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly now: () => number = Date.now,
  ) {}

  async announce(userId: string, deviceId: string): Promise<void> {
    const id = `sighted:${randomUUID()}`;
    const command = homeserverEventToCommand({ schema: 'hs.v1', id, type: 'device.created', user_id: userId, device_id: deviceId, ts: this.now() }, id);
    const outcome = await this.gateway.execute(command, id);
    if (!outcome.ok) throw new Error(`the device announcement was refused: ${outcome.rejection.message}`);
  }
}
