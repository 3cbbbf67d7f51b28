import { DeviceKeysRow, UserDevicesDoc } from './device-keys.projection';

/** The devices a user document lists, as /keys/query rows. */
export const devicesOf = (doc: UserDevicesDoc | null): DeviceKeysRow[] => (doc && !doc.deleted ? doc.devices.map((d) => ({ userId: doc.userId, ...d })) : []);
