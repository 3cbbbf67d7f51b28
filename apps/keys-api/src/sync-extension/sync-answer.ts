import { encodeStreamToken } from '@app/contracts';
import { DeviceListChanges, OneTimeKeySummary } from '@app/read-models';
import { Round } from './sync-round';

export type SyncExtensionResponse = {
  next_batch: string;
  device_lists?: DeviceListChanges;
  to_device?: { events: { sender: string; type: string; content: unknown }[] };
} & Partial<OneTimeKeySummary>;

/**
 * Whether a round is the answer: an initial sync (no changes to wait for), something new, or no
 * time left. Otherwise a long-poll waits for a change and reads again.
 */
export function answersNow(round: Round, remainingMs: number): boolean {
  const { changes, inbox } = round;
  return !changes || changes.changed.length > 0 || changes.left.length > 0 || inbox.events.length > 0 || remainingMs <= 0;
}

/** The response for a round: device lists only with `since`, to-device only for a device, key counts as given. */
export function syncResponse(round: Round, forDevice: boolean, counts: Partial<OneTimeKeySummary>): SyncExtensionResponse {
  const { next, inbox, changes } = round;
  const toDevice = forDevice ? { to_device: { events: inbox.events } } : {};
  const deviceLists = changes ? { device_lists: { changed: changes.changed, left: changes.left } } : {};
  return { next_batch: encodeStreamToken(next), ...deviceLists, ...toDevice, ...counts };
}
