import { ProjectionBuckets } from '../projection/buckets';
import { DeviceKeysRow, UserDevicesDoc } from './device-keys.projection';

/** The current devices of these users: one point read per user, side by side. */
export async function findDevicesOfUsers(buckets: ProjectionBuckets<UserDevicesDoc>, userIds: readonly string[]): Promise<DeviceKeysRow[]> {
  return [...(await findUserDevices(buckets, userIds)).values()].flatMap(devicesOf);
}

/** These users' documents by `_id`, side by side; absent ones map to null. */
export async function findUserDevices(buckets: ProjectionBuckets<UserDevicesDoc>, userIds: readonly string[]): Promise<Map<string, UserDevicesDoc | null>> {
  const ids = [...new Set(userIds)];
  const docs = await Promise.all(ids.map((userId) => buckets.of(userId).findOne({ _id: userId } as never)));
  return new Map(ids.map((id, i) => [id, (docs[i] as UserDevicesDoc | null) ?? null]));
}

/** The devices a user document lists, as /keys/query rows. */
export const devicesOf = (doc: UserDevicesDoc | null): DeviceKeysRow[] => (doc && !doc.deleted ? doc.devices.map((d) => ({ userId: doc.userId, ...d })) : []);
