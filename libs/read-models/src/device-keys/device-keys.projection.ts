import { DocMeta, EventOf, ProjectedDoc, Projection, userOfEvent } from '../projection/projection';

/** One device of a user as /keys/query returns it. */
export interface DeviceKeysRow {
  readonly userId: string;
  readonly deviceId: string;
  /** Canonical JSON as uploaded; returned by /keys/query without re-encoding. */
  readonly keysJson: string | null;
  readonly displayName: string | null;
}

export interface StoredDevice {
  readonly deviceId: string;
  readonly keysJson: string | null;
  readonly displayName: string | null;
}

/**
 * All current devices of one user, `_id` = the user id: /keys/query for N users is N point reads.
 * Device ids are values in the list, never field names (they may contain '.').
 */
export interface UserDevicesDoc extends ProjectedDoc {
  readonly userId: string;
  readonly devices: readonly StoredDevice[];
}

/** User and device ids never become field names (they may contain '.'), only values. */
export const deviceDocId = (userId: string, deviceId: string): string => JSON.stringify([userId, deviceId]);

function withDevice(
  doc: UserDevicesDoc | null,
  userId: string,
  meta: DocMeta,
  deviceId: string,
  change: (device: StoredDevice) => StoredDevice,
): UserDevicesDoc {
  const devices = doc?.devices ?? [];
  const current = devices.find((d) => d.deviceId === deviceId);
  const next = change(current ?? { deviceId, keysJson: null, displayName: null });
  return { _id: userId, _meta: meta, userId, devices: current ? devices.map((d) => (d === current ? next : d)) : [...devices, next] };
}

const HANDLES = ['DeviceKeysUploaded', 'DeviceDisplayNameChanged', 'DeviceDeleted'] as const;
export const deviceKeysProjection: Projection<UserDevicesDoc, EventOf<(typeof HANDLES)[number]>> = {
  name: 'device-keys',
  handles: HANDLES,
  documentId: userOfEvent,
  evolve(doc, event, meta) {
    switch (event.type) {
      case 'DeviceKeysUploaded':
        return withDevice(doc, event.data.userId, meta, event.data.deviceId, (d) => ({ ...d, keysJson: event.data.keysJson }));
      case 'DeviceDisplayNameChanged':
        return withDevice(doc, event.data.userId, meta, event.data.deviceId, (d) => ({ ...d, displayName: event.data.displayName }));
      case 'DeviceDeleted': {
        const devices = (doc?.devices ?? []).filter((d) => d.deviceId !== event.data.deviceId);
        return devices.length === 0 ? null : { _id: event.data.userId, _meta: meta, userId: event.data.userId, devices };
      }
      default: {
        const unhandled: never = event;
        throw new Error(`device-keys projection: unhandled ${(unhandled as { type: string }).type}`);
      }
    }
  },
  // Read by `_id` only; no secondary index to maintain.
  indexes: [],
};
