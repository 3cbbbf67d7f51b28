import { ProjectionBuckets } from '../projection/buckets';
import { deviceDocId } from '../device-keys/device-keys.projection';
import { OneTimeKeysDoc } from './one-time-keys.projection';

/** What the sync extension reports for a device: counts per algorithm and unused fallback key types. */
export interface OneTimeKeySummary {
  readonly device_one_time_keys_count: Record<string, number>;
  readonly device_unused_fallback_key_types: string[];
}

export async function oneTimeKeySummary(buckets: ProjectionBuckets<OneTimeKeysDoc>, userId: string, deviceId: string): Promise<OneTimeKeySummary> {
  return oneTimeKeySummaryOf(await oneTimeKeysDoc(buckets, userId, deviceId));
}

/** The device's one-time-key document (null: none). */
export async function oneTimeKeysDoc(buckets: ProjectionBuckets<OneTimeKeysDoc>, userId: string, deviceId: string): Promise<OneTimeKeysDoc | null> {
  // Exactly `{_id}`: the one filter FerretDB hands to SQLite instead of decoding every document.
  const found = await buckets.of(userId).findOne({ _id: deviceDocId(userId, deviceId) } as never);
  return found?.deleted ? null : ((found as OneTimeKeysDoc | null) ?? null);
}

/** The summary of a device's one-time-key document. */
export function oneTimeKeySummaryOf(doc: OneTimeKeysDoc | null): OneTimeKeySummary {
  const counts: Record<string, number> = { signed_curve25519: 0 };
  for (const { algorithm, count } of doc?.counts ?? []) if (count > 0) counts[algorithm] = count;
  const unused = (doc?.fallbackKeys ?? [])
    .filter((f) => !f.used)
    .map((f) => f.algorithm)
    .sort();
  return { device_one_time_keys_count: counts, device_unused_fallback_key_types: unused };
}
