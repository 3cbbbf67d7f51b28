import { Envelope } from './envelope';

export interface DeviceKeysUploadedData {
  readonly userId: string;
  readonly deviceId: string;
  /** Canonical JSON of the `device_keys` object exactly as the client uploaded it. */
  readonly keysJson: string;
}

export type DeviceKeysUploaded = Envelope<'DeviceKeysUploaded', DeviceKeysUploadedData>;

export type DomainEvent = DeviceKeysUploaded;
export type DomainEventType = DomainEvent['type'];

export const EVENT_TYPES: readonly DomainEventType[] = ['DeviceKeysUploaded'];

/** An event as read back from the log, with where it sits. */
export interface RecordedEvent<E extends DomainEvent = DomainEvent> {
  readonly event: E;
  readonly partition: number;
  readonly offset: string;
}
