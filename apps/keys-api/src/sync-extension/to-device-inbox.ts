import { PositionVector, RoutedCommand, isAfter } from '@app/contracts';
import { ToDeviceRow } from '@app/read-models';
import { Requester } from '../auth/requester';
import { aggregateKeyOf } from '@app/domain';

/** At most this many to-device messages per response; the next request returns at once while more wait. */
export const TO_DEVICE_PER_RESPONSE = 100;

export interface InboxRead {
  events: { sender: string; type: string; content: unknown }[];
  /** More wait: the token must stop at this message, the last one handed out. */
  capAt?: { partition: number; offset: number };
  /** The last sequence number at or below `since`: what `since` acknowledges. */
  receivedUpTo?: number;
}

/** Port: a device's pending messages in queue order, read (head, then windows) until `enough` says so. */
export type InboxRows = (userId: string, deviceId: string, enough: (read: readonly ToDeviceRow[]) => boolean) => Promise<ToDeviceRow[]>;

/**
 * Messages for this device after `since` and covered by `next`, in queue order, at most 100.
 * When more wait, the token stops at the last one handed out, so the rest come next time.
 * The inbox is read only as far as needed: a device's messages are in one partition, so queue
 * order is log order and the ones at or below `since` come first (`receivedUpTo`: the last of
 * them, which `since` acknowledges).
 */
export async function readInbox(rowsOf: InboxRows, requester: Requester, since: PositionVector | null, next: PositionVector): Promise<InboxRead> {
  if (!requester.deviceId) return { events: [] };
  const received = (r: ToDeviceRow) => since !== null && !isAfter(since, r.partition, r.offset);
  const rows = await rowsOf(
    requester.userId,
    requester.deviceId,
    (read) => read.filter((r) => !received(r)).length > TO_DEVICE_PER_RESPONSE || read.some((r) => isAfter(next, r.partition, r.offset)),
  );
  const receivedRows = rows.filter(received);
  const fresh = rows.filter((r) => !received(r) && !isAfter(next, r.partition, r.offset));
  const handed = fresh.slice(0, TO_DEVICE_PER_RESPONSE);
  const events = handed.map((r) => ({ sender: r.sender, type: r.type, content: JSON.parse(r.contentJson) as unknown }));
  const last = handed[handed.length - 1];
  const receivedUpTo = receivedRows.length > 0 ? Math.max(...receivedRows.map((r) => r.seq)) : undefined;
  return fresh.length > TO_DEVICE_PER_RESPONSE ? { events, capAt: { partition: last.partition, offset: last.offset }, receivedUpTo } : { events, receivedUpTo };
}

/**
 * Messages up to `upToSeq` were in an earlier response: the owner may drop them. The id is the
 * same for the same acknowledgement, so a repeated sync is recognised as a repeated command.
 */
export function ackToDevice(requester: Requester, upToSeq: number, correlationId: string, now: number): RoutedCommand {
  const body = { type: 'AckToDevice', data: { userId: requester.userId, deviceId: requester.deviceId!, upToSeq } } as const;
  return {
    ...body,
    id: JSON.stringify(['ack', requester.userId, requester.deviceId, upToSeq]),
    key: aggregateKeyOf(body),
    schemaVersion: 1,
    time: now,
    correlationId,
    causationId: null,
    routing: { replyTo: '' },
  };
}
