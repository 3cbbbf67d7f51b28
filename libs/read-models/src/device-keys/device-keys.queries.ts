import { Collection } from 'mongodb';
import { DeviceKeysDoc } from './device-keys.projection';

export async function findDevicesOfUsers(collection: Collection<DeviceKeysDoc>, userIds: readonly string[]): Promise<DeviceKeysDoc[]> {
  if (userIds.length === 0) return [];
  return collection
    .find({ userId: { $in: [...userIds] }, deleted: { $ne: true } }, { projection: { userId: 1, deviceId: 1, keysJson: 1, displayName: 1 } })
    .toArray();
}
