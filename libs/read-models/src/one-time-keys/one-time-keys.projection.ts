import { DocMeta, EventOf, ProjectedDoc, Projection, userOfEvent } from '../projection/projection';
import { deviceDocId } from '../device-keys/device-keys.projection';

/**
 * How many one-time keys a device has left per algorithm, and its fallback keys with their `used`
 * flag: what the sync extension reports. The keys themselves live with the command-processor,
 * which hands them out; counts keep this document small, and on FerretDB every write and read
 * costs in proportion to the bytes of its collection (docs/architecture.md). Counts are exact:
 * an upload's event lists only keys new to the pool, and a claim only a key in it.
 */
export interface OneTimeKeysDoc extends ProjectedDoc {
  readonly userId: string;
  readonly deviceId: string;
  /** An array, not an object keyed by algorithm: algorithm names may contain '.', which field names must not. */
  readonly counts: readonly { readonly algorithm: string; readonly count: number }[];
  readonly fallbackKeys: readonly { readonly algorithm: string; readonly keyName: string; readonly used: boolean }[];
}

const algorithmOf = (keyName: string) => keyName.slice(0, keyName.indexOf(':'));

function adjust(counts: OneTimeKeysDoc['counts'], algorithm: string, by: number): OneTimeKeysDoc['counts'] {
  const current = counts.find((c) => c.algorithm === algorithm)?.count ?? 0;
  return [...counts.filter((c) => c.algorithm !== algorithm), { algorithm, count: current + by }].sort((a, b) => (a.algorithm < b.algorithm ? -1 : 1));
}

const HANDLES = ['OneTimeKeysUploaded', 'OneTimeKeyClaimed', 'FallbackKeyUploaded', 'FallbackKeyUsed', 'DeviceDeleted'] as const;
type OneTimeKeysEvent = EventOf<(typeof HANDLES)[number]>;

export const oneTimeKeysProjection: Projection<OneTimeKeysDoc, OneTimeKeysEvent> = {
  name: 'one-time-keys',
  handles: HANDLES,
  documentId: (event) => deviceDocId((event.data as { userId: string }).userId, (event.data as { deviceId: string }).deviceId),
  bucketKey: userOfEvent,
  evolve(doc: OneTimeKeysDoc | null, event: OneTimeKeysEvent, meta: DocMeta): OneTimeKeysDoc | null {
    const { userId, deviceId } = event.data;
    const current: OneTimeKeysDoc = doc ?? { _id: deviceDocId(userId, deviceId), _meta: meta, userId, deviceId, counts: [], fallbackKeys: [] };
    switch (event.type) {
      case 'OneTimeKeysUploaded':
        return { ...current, _meta: meta, counts: event.data.keys.reduce((counts, k) => adjust(counts, algorithmOf(k.keyName), 1), current.counts) };
      case 'OneTimeKeyClaimed':
        return { ...current, _meta: meta, counts: adjust(current.counts, algorithmOf(event.data.keyName), -1) };
      case 'FallbackKeyUploaded':
        return {
          ...current,
          _meta: meta,
          fallbackKeys: [
            ...current.fallbackKeys.filter((f) => f.algorithm !== event.data.algorithm),
            { algorithm: event.data.algorithm, keyName: event.data.key.keyName, used: false },
          ],
        };
      case 'FallbackKeyUsed':
        return {
          ...current,
          _meta: meta,
          fallbackKeys: current.fallbackKeys.map((f) => (f.algorithm === event.data.algorithm && f.keyName === event.data.keyName ? { ...f, used: true } : f)),
        };
      case 'DeviceDeleted':
        return null;
      default: {
        const unhandled: never = event;
        throw new Error(`one-time-keys projection: unhandled ${(unhandled as OneTimeKeysEvent).type}`);
      }
    }
  },
  indexes: [{ userId: 1 }],
};
