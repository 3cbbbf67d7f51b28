import { AnyProjection, Projection } from './projection/projection';
import { deviceKeysProjection } from './device-keys/device-keys.projection';
import { oneTimeKeysProjection } from './one-time-keys/one-time-keys.projection';
import { deviceListsProjection } from './device-lists/device-lists.projection';
import { toDeviceProjection } from './to-device/to-device.projection';
import { backupsProjection } from './backups/backups.projection';
import { crossSigningKeysProjection } from './cross-signing-keys/cross-signing-keys.projection';

/** Every projection the projector runs and `replay` can rebuild, by name. */
export const PROJECTIONS: Readonly<Record<string, AnyProjection>> = {
  [deviceKeysProjection.name]: deviceKeysProjection as unknown as Projection<never>,
  [oneTimeKeysProjection.name]: oneTimeKeysProjection as unknown as Projection<never>,
  [deviceListsProjection.name]: deviceListsProjection,
  [toDeviceProjection.name]: toDeviceProjection,
  [backupsProjection.name]: backupsProjection,
  [crossSigningKeysProjection.name]: crossSigningKeysProjection as unknown as Projection<never>,
};
