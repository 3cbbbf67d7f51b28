import { DEVICE_LIST_CHANGE_EVENTS, DomainEvent, RecordedEvent } from '@app/contracts';

/**
 * The device-lists read model is append-only: every row is written once, its id derived from the
 * log position of the event that caused it, so a redelivered or replayed batch inserts nothing new.
 * (On the FerretDB store every update scans its whole collection, while inserts are cheap.)
 */
interface RowBase {
  readonly _id: string;
  readonly partition: number;
  readonly offset: number;
}

/** A user's membership changed in a room (join, leave, invite, ban, knock). */
export interface MembershipRow extends RowBase {
  readonly kind: 'member';
  readonly roomId: string;
  readonly userId: string;
  readonly membership: string;
}

/** A user's device list changed while they were joined to this room: one row per room. */
export interface ChangeRow extends RowBase {
  readonly kind: 'change';
  readonly roomId: string;
  readonly userId: string;
}

/**
 * A row only `userId` reads: their own device list changed (seen even without rooms), or, with
 * `subject`, another user's keys changed for them alone (they signed that user's master key).
 */
export interface OwnChangeRow extends RowBase {
  readonly kind: 'own';
  readonly userId: string;
  readonly subject?: string;
}

/** The room turned encryption on (rooms keep it on). */
export interface EncryptedRow extends RowBase {
  readonly kind: 'encrypted';
  readonly roomId: string;
}

export type DeviceListRow = MembershipRow | ChangeRow | OwnChangeRow | EncryptedRow;

export const rowId = (kind: string, partition: number, offset: number, roomId = ''): string => JSON.stringify([kind, partition, offset, roomId]);

/** The user's joined rooms just before `offset`, from their membership rows (all in their partition). */
export function joinedRoomsBefore(rows: readonly MembershipRow[], userId: string, offset: number): string[] {
  const latest = new Map<string, MembershipRow>();
  for (const row of rows) {
    if (row.userId !== userId || row.offset >= offset) continue;
    const seen = latest.get(row.roomId);
    if (!seen || seen.offset < row.offset) latest.set(row.roomId, row);
  }
  return [...latest.values()]
    .filter((r) => r.membership === 'join')
    .map((r) => r.roomId)
    .sort();
}

/**
 * Pure: the rows a batch of events adds. `knownMemberships` are the stored membership rows of
 * the users whose devices changed in the batch; rows at or after an event's offset are ignored,
 * so the result is the same on first delivery, redelivery and replay.
 */
export function planDeviceListRows(events: readonly RecordedEvent[], knownMemberships: readonly MembershipRow[]): DeviceListRow[] {
  const memberships = [...knownMemberships];
  const rows: DeviceListRow[] = [];
  for (const { event, partition, offset: raw } of events) {
    const offset = Number(raw);
    if (event.type === 'MembershipChanged') {
      const { roomId, userId, membership } = event.data;
      const row: MembershipRow = { _id: rowId('member', partition, offset), kind: 'member', roomId, userId, membership, partition, offset };
      memberships.push(row);
      rows.push(row);
    } else if (event.type === 'RoomEncryptionEnabled') {
      rows.push({ _id: rowId('encrypted', partition, offset), kind: 'encrypted', roomId: event.data.roomId, partition, offset });
    } else if (changesDeviceList(event)) {
      const { userId } = event.data;
      if (event.type === 'SignaturesUploaded') {
        // Signing someone else's master key is news for the signer only (who they verified is theirs to know).
        const others = [...new Set(event.data.signatures.map((s) => s.targetUserId).filter((u) => u !== userId))].sort();
        for (const subject of others) rows.push({ _id: rowId('own', partition, offset, subject), kind: 'own', userId, subject, partition, offset });
        if (!event.data.signatures.some((s) => s.targetUserId === userId)) continue;
      }
      rows.push({ _id: rowId('own', partition, offset), kind: 'own', userId, partition, offset });
      // A user-signing key alone concerns only its owner.
      if (event.type === 'CrossSigningKeysUploaded' && event.data.keys.every((k) => k.kind === 'user_signing')) continue;
      for (const roomId of joinedRoomsBefore(memberships, userId, offset)) {
        rows.push({ _id: rowId('change', partition, offset, roomId), kind: 'change', roomId, userId, partition, offset });
      }
    }
  }
  return rows;
}

export function changesDeviceList(event: DomainEvent): event is DomainEvent & { data: { userId: string } } {
  return (DEVICE_LIST_CHANGE_EVENTS as readonly string[]).includes(event.type);
}
