import { DomainEvent } from '@app/contracts';
import { DocMeta, ProjectedDoc, Projection, userOfEvent } from '../projection/projection';

export interface DeviceKeysDoc extends ProjectedDoc {
  readonly userId: string;
  readonly deviceId: string;
  /** Canonical JSON as uploaded; returned by /keys/query without re-encoding. */
  readonly keysJson: string | null;
  readonly displayName: string | null;
}

/** User and device ids never become field names (they may contain '.'), only values. */
export const deviceDocId = (userId: string, deviceId: string): string => JSON.stringify([userId, deviceId]);

export const deviceKeysProjection: Projection<DeviceKeysDoc> = {
  name: 'device-keys',
  handles: ['DeviceKeysUploaded', 'DeviceDisplayNameChanged', 'DeviceDeleted'],
  documentId: (event) => deviceDocId((event.data as { userId: string }).userId, (event.data as { deviceId: string }).deviceId),
  bucketKey: userOfEvent,
  evolve(doc: DeviceKeysDoc | null, event: DomainEvent, meta: DocMeta): DeviceKeysDoc | null {
    switch (event.type) {
      case 'DeviceKeysUploaded':
        return {
          _id: deviceDocId(event.data.userId, event.data.deviceId),
          _meta: meta,
          userId: event.data.userId,
          deviceId: event.data.deviceId,
          keysJson: event.data.keysJson,
          displayName: doc?.displayName ?? null,
        };
      case 'DeviceDisplayNameChanged':
        return {
          _id: deviceDocId(event.data.userId, event.data.deviceId),
          _meta: meta,
          userId: event.data.userId,
          deviceId: event.data.deviceId,
          keysJson: doc?.keysJson ?? null,
          displayName: event.data.displayName,
        };
      case 'DeviceDeleted':
        return null;
      case 'OneTimeKeysUploaded':
      case 'FallbackKeyUploaded':
      case 'OneTimeKeyClaimed':
      case 'FallbackKeyUsed':
        return doc;
      case 'MembershipChanged':
      case 'RoomEncryptionEnabled':
      case 'ToDeviceQueued':
      case 'ToDeviceDropped':
      case 'ToDeviceAcked':
      case 'BackupVersionCreated':
      case 'BackupVersionUpdated':
      case 'BackupVersionDeleted':
      case 'BackupKeysStored':
      case 'BackupKeysDeleted':
      case 'CrossSigningKeysUploaded':
      case 'CrossSigningReplacementAllowed':
      case 'SignaturesUploaded':
        return doc;
      default: {
        const unhandled: never = event;
        throw new Error(`device-keys projection: unhandled ${(unhandled as DomainEvent).type}`);
      }
    }
  },
  indexes: [{ userId: 1 }],
};
