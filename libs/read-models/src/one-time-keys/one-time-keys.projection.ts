import { DomainEvent } from '@app/contracts';
import { DocMeta, ProjectedDoc, Projection, userOfEvent } from '../projection/projection';
import { deviceDocId } from '../device-keys/device-keys.projection';

/** A device's remaining one-time keys (in hand-out order) and its fallback keys with their `used` flag. */
export interface OneTimeKeysDoc extends ProjectedDoc {
  readonly userId: string;
  readonly deviceId: string;
  readonly oneTimeKeys: readonly { readonly keyName: string; readonly algorithm: string }[];
  readonly fallbackKeys: readonly { readonly algorithm: string; readonly keyName: string; readonly used: boolean }[];
}

const algorithmOf = (keyName: string) => keyName.slice(0, keyName.indexOf(':'));

export const oneTimeKeysProjection: Projection<OneTimeKeysDoc> = {
  name: 'one-time-keys',
  handles: ['OneTimeKeysUploaded', 'OneTimeKeyClaimed', 'FallbackKeyUploaded', 'FallbackKeyUsed', 'DeviceDeleted'],
  documentId: (event) => deviceDocId((event.data as { userId: string }).userId, (event.data as { deviceId: string }).deviceId),
  bucketKey: userOfEvent,
  evolve(doc: OneTimeKeysDoc | null, event: DomainEvent, meta: DocMeta): OneTimeKeysDoc | null {
    const { userId, deviceId } = event.data as { userId: string; deviceId: string };
    const current: OneTimeKeysDoc = doc ?? { _id: deviceDocId(userId, deviceId), _meta: meta, userId, deviceId, oneTimeKeys: [], fallbackKeys: [] };
    switch (event.type) {
      case 'OneTimeKeysUploaded':
        return { ...current, _meta: meta, oneTimeKeys: [...current.oneTimeKeys, ...event.data.keys.map((k) => ({ keyName: k.keyName, algorithm: algorithmOf(k.keyName) }))] };
      case 'OneTimeKeyClaimed':
        return { ...current, _meta: meta, oneTimeKeys: current.oneTimeKeys.filter((k) => k.keyName !== event.data.keyName) };
      case 'FallbackKeyUploaded':
        return {
          ...current,
          _meta: meta,
          fallbackKeys: [...current.fallbackKeys.filter((f) => f.algorithm !== event.data.algorithm), { algorithm: event.data.algorithm, keyName: event.data.key.keyName, used: false }],
        };
      case 'FallbackKeyUsed':
        return {
          ...current,
          _meta: meta,
          fallbackKeys: current.fallbackKeys.map((f) => (f.algorithm === event.data.algorithm && f.keyName === event.data.keyName ? { ...f, used: true } : f)),
        };
      case 'DeviceDeleted':
        return null;
      case 'DeviceKeysUploaded':
      case 'DeviceDisplayNameChanged':
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
        throw new Error(`one-time-keys projection: unhandled ${(unhandled as DomainEvent).type}`);
      }
    }
  },
  indexes: [{ userId: 1 }],
};
