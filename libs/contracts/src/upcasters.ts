import { Envelope } from './envelope';

/**
 * Stored events are never rewritten; older schema versions are brought to the current shape
 * here, when read. Every event type is at schema version 1 so far.
 */
export const CURRENT_SCHEMA_VERSION: Record<string, number> = {
  DeviceKeysUploaded: 1,
  OneTimeKeysUploaded: 1,
  FallbackKeyUploaded: 1,
  OneTimeKeyClaimed: 1,
  FallbackKeyUsed: 1,
  DeviceDisplayNameChanged: 1,
  DeviceDeleted: 1,
  MembershipChanged: 1,
  RoomEncryptionEnabled: 1,
  ToDeviceQueued: 1,
  ToDeviceDropped: 1,
  ToDeviceAcked: 1,
  BackupVersionCreated: 1,
  BackupVersionUpdated: 1,
  BackupVersionDeleted: 1,
  BackupKeysStored: 1,
  BackupKeysDeleted: 1,
  CrossSigningKeysUploaded: 1,
  CrossSigningReplacementAllowed: 1,
  SignaturesUploaded: 1,
};

export function upcastEvent(envelope: Envelope): Envelope {
  return envelope;
}
