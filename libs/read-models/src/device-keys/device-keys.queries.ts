import { ProjectionBuckets } from '../projection/buckets';
import { DeviceKeysDoc } from './device-keys.projection';

/** The current devices of these users: one query per bucket they fall in, run side by side. */
export async function findDevicesOfUsers(buckets: ProjectionBuckets<DeviceKeysDoc>, userIds: readonly string[]): Promise<DeviceKeysDoc[]> {
  const perBucket = await Promise.all(
    buckets.group(new Set(userIds), (userId) => userId).map(([collection, users]) =>
      collection.find({ userId: { $in: users }, deleted: { $ne: true } }, { projection: { userId: 1, deviceId: 1, keysJson: 1, displayName: 1 } }).toArray(),
    ),
  );
  return perBucket.flat() as DeviceKeysDoc[];
}
