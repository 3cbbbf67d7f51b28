import { OneTimeKeySummary, OneTimeKeysDoc, deviceDocId, oneTimeKeySummaryOf } from '@app/read-models';
import { Requester } from '../auth/requester';
import { LogPositionedCache } from '../read-cache/log-positioned-cache';
import { cachedPointRead } from '../read-cache/cached-point-read';

export interface OneTimeKeyCountsPorts {
  /** This process's exact copies of one-time-key documents (ReadCaches.oneTimeKeys). */
  readonly cache: LogPositionedCache<OneTimeKeysDoc>;
  readonly partitionOf: (userId: string) => number;
  readonly waitMs: number;
  /** The device's document by `_id` from the store (null: none). */
  readonly load: (version: number, userId: string, deviceId: string) => Promise<OneTimeKeysDoc | null>;
}

/**
 * The device's one-time-key counts and unused fallback key types, own writes included (the read
 * barrier before): from this process's exact copy once its log reader has passed `targets`, else
 * by `_id` from the store (kept when the store had caught up). Nothing without a device.
 */
export async function oneTimeKeyCounts(
  ports: OneTimeKeyCountsPorts,
  requester: Requester,
  version: number,
  targets: ReadonlyMap<number, bigint>,
  caughtUp: boolean,
): Promise<Partial<OneTimeKeySummary>> {
  const { userId, deviceId } = requester;
  if (deviceId === null) return {};
  const { cache } = ports;
  cache.useVersion(version);
  const id = deviceDocId(userId, deviceId);
  const found = await cachedPointRead<OneTimeKeysDoc>({
    cache,
    ids: [id],
    partitionOf: () => ports.partitionOf(userId),
    targets,
    waitMs: ports.waitMs,
    load: async () => ({ docs: new Map([[id, await ports.load(version, userId, deviceId)]]), exact: caughtUp }),
  });
  return oneTimeKeySummaryOf(found.get(id) ?? null);
}
