import { ProjectionBuckets } from '../projection/buckets';
import { DeviceKeysRow, UserDevicesDoc } from './device-keys.projection';

/** The current devices of these users: one point read per user, side by side. */
export async function findDevicesOfUsers(buckets: ProjectionBuckets<UserDevicesDoc>, userIds: readonly string[]): Promise<DeviceKeysRow[]> {
  const docs = await Promise.all([...new Set(userIds)].map((userId) => buckets.of(userId).findOne({ _id: userId } as never)));
  return docs.flatMap((doc) => (doc && !doc.deleted ? doc.devices.map((d) => ({ userId: doc.userId, ...d })) : []));
}
