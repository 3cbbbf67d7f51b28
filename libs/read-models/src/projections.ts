import { Projection } from './projection/projection';
import { deviceKeysProjection } from './device-keys/device-keys.projection';
import { oneTimeKeysProjection } from './one-time-keys/one-time-keys.projection';
import { roomMembersProjection } from './room-members/room-members.projection';

/** Every projection the projector runs and `replay` can rebuild, by name. */
export const PROJECTIONS: Readonly<Record<string, Projection<never>>> = {
  [deviceKeysProjection.name]: deviceKeysProjection as unknown as Projection<never>,
  [oneTimeKeysProjection.name]: oneTimeKeysProjection as unknown as Projection<never>,
  [roomMembersProjection.name]: roomMembersProjection as unknown as Projection<never>,
};
