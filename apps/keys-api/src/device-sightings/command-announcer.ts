import { randomUUID } from 'node:crypto';
import { homeserverEventToCommand } from '@app/contracts';
import { CommandGateway } from '../command-gateway/command-gateway';
import { DeviceAnnouncer } from './device-sightings';

/**
 * Announces a device as the homeserver would on hs.events: a `device.created` without a display
 * name becomes an ApplyDeviceChange command for the user's partition owner (a known device keeps
 * its name). Ids are fresh: a device id can come back after a deletion as a new device.
 */
export class CommandDeviceAnnouncer implements DeviceAnnouncer {
  constructor(private readonly gateway: CommandGateway, private readonly now: () => number = Date.now) {}

  async announce(userId: string, deviceId: string): Promise<void> {
    const id = `sighted:${randomUUID()}`;
    const command = homeserverEventToCommand({ schema: 'hs.v1', id, type: 'device.created', user_id: userId, device_id: deviceId, ts: this.now() }, id);
    await this.gateway.submit([command]);
  }
}
