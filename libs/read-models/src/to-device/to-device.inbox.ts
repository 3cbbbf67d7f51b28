import { RecordedEvent } from '@app/contracts';
import { DocMeta, EventOf } from '../projection/projection';
import { PoisonSink, foldWithoutPoison, keyedEvents } from '../projection/poisoned-events';

/**
 * A device's to-device inbox, shaped for its one reader (docs/architecture.md, "To-device
 * messages"): a head document with the device's last queued and last acknowledged sequence
 * numbers, and window documents holding the waiting messages of INBOX_WINDOW consecutive sequence
 * numbers each, in order. Every id is computed (from the user, the device and a sequence number),
 * so every read and write is a point access by `_id`. A deleted device's head stays, as a
 * tombstone at the deletion's position (see InboxHead). The window size is part of the document
 * layout (writers and readers must agree), so it is a constant: changing it needs a replay into a
 * new collection version. 16 measured best on FerretDB (docs/architecture.md): an append rewrites
 * its whole window, and a full response (101 messages) is still 7-8 point reads, 4 at a time.
 */
export const INBOX_WINDOW = 16;

/** One waiting message. */
export interface ToDeviceMessage {
  readonly seq: number;
  readonly sender: string;
  readonly type: string;
  readonly contentJson: string;
  /** Where its `ToDeviceQueued` event is in the log (a sync token covers it or not). */
  readonly partition: number;
  readonly offset: number;
}

/** A waiting message with its recipient. */
export interface ToDeviceRow extends ToDeviceMessage {
  readonly userId: string;
  readonly deviceId: string;
}

export interface InboxHead {
  readonly _id: string;
  readonly kind: 'head';
  readonly userId: string;
  readonly deviceId: string;
  /** The last sequence number queued, and the last one acknowledged: messages in between wait. */
  readonly lastSeq: number;
  readonly ackedSeq: number;
  /**
   * A tombstone: the device was deleted (by the event at `_meta`) and nothing after it touched
   * its inbox. Kept, not removed, so that its position refuses older events (a redelivered batch,
   * a stale writer) that would otherwise recreate the inbox. Readers see an empty inbox.
   */
  readonly deleted?: true;
  /**
   * Offset of the device's last deletion: messages at or below it were for an earlier device with
   * this id (which counted from 1 too), so a window still holding one (left by a stale writer)
   * never shows it. Kept when a later event revives the inbox.
   */
  readonly deletedAt?: number;
  /** The last event applied to this device's inbox: events at or below it are already in. */
  readonly _meta: DocMeta;
}

export interface InboxWindow {
  readonly _id: string;
  readonly kind: 'window';
  readonly userId: string;
  readonly deviceId: string;
  readonly window: number;
  /** In sequence order; only messages not yet acknowledged. */
  readonly messages: readonly ToDeviceMessage[];
  readonly _meta: DocMeta;
}

export type InboxDoc = InboxHead | InboxWindow;

export const inboxHeadId = (userId: string, deviceId: string): string => JSON.stringify(['head', userId, deviceId]);
export const inboxWindowId = (userId: string, deviceId: string, window: number): string => JSON.stringify([userId, deviceId, window]);
export const windowOf = (seq: number): number => Math.floor(seq / INBOX_WINDOW);

/** True for a message queued after the head's last deletion (to the device the head is about now). */
const sentSinceDeletion =
  (head: InboxHead | null | undefined) =>
  (m: ToDeviceMessage): boolean =>
    head?.deletedAt === undefined || m.offset > head.deletedAt;

/** Where the inbox documents live: point reads and writes by `_id` only. */
export interface InboxStore {
  /** The stored documents among these ids (absent ones are left out). */
  read(ids: readonly string[]): Promise<ReadonlyMap<string, InboxDoc>>;
  /** Replaces or inserts `puts` and deletes `deletes`, each guarded by its log position. */
  write(puts: readonly InboxDoc[], deletes: readonly InboxDelete[]): Promise<void>;
}

export interface InboxDelete {
  readonly _id: string;
  /** The event that deleted it: a document written at or after it stays. */
  readonly offset: number;
}

export interface InboxWrites {
  readonly puts: readonly InboxDoc[];
  readonly deletes: readonly InboxDelete[];
}

/** What the inboxes are folded from: a device's queued messages, its acknowledgements and its deletion. */
export const INBOX_EVENTS = ['ToDeviceQueued', 'ToDeviceAcked', 'DeviceDeleted'] as const;
export type InboxEvent = EventOf<(typeof INBOX_EVENTS)[number]>;

/**
 * The documents a batch needs to read: the head of every device it touches, the window each
 * queued message goes into and the window an acknowledgement cuts through. Windows an
 * acknowledgement or a deletion removes whole are deleted by id, unread.
 */
export function inboxIdsToRead(events: readonly RecordedEvent<InboxEvent>[]): string[] {
  const ids = new Set<string>();
  for (const { event } of events) {
    const { userId, deviceId } = event.data;
    ids.add(inboxHeadId(userId, deviceId));
    if (event.type === 'ToDeviceQueued') ids.add(inboxWindowId(userId, deviceId, windowOf(event.data.seq)));
    if (event.type === 'ToDeviceAcked' && !endsWindow(event.data.upToSeq)) ids.add(inboxWindowId(userId, deviceId, windowOf(event.data.upToSeq)));
  }
  return [...ids];
}

/** True when `seq` is the last sequence number of its window. */
const endsWindow = (seq: number): boolean => (seq + 1) % INBOX_WINDOW === 0;

/**
 * Applies a batch (log order, one partition) to the inbox documents read for it (pure). A device's
 * events are skipped at or below its head's position, so a redelivered batch changes nothing that
 * its first delivery wrote completely; a delivery cut short (windows written, head not) is applied
 * again onto what it left, which ends in the same documents (messages are placed by sequence
 * number, acknowledgements and deletions remove by range). A deletion leaves the head as a
 * tombstone at its position, so older events stay refused; any later event of the device starts
 * its inbox again from 0. Returns the window writes and the head writes separately: heads go
 * last, so a head never claims a position its windows do not have.
 */
export function foldInbox(
  stored: ReadonlyMap<string, InboxDoc>,
  events: readonly RecordedEvent<InboxEvent>[],
): { windows: InboxWrites; heads: InboxWrites; applied: number } {
  const docs = new Map<string, InboxDoc | null>(stored);
  const changed = new Map<string, { offset: number; head: boolean }>(); // by the last event that changed it
  let applied = 0;
  const set = (id: string, doc: InboxDoc | null, offset: number, head = false) => {
    docs.set(id, doc);
    changed.set(id, { offset, head });
  };
  for (const recorded of events) {
    const { event } = recorded;
    const offset = Number(recorded.offset);
    const meta: DocMeta = { partition: recorded.partition, offset };
    const { userId, deviceId } = event.data;
    const headId = inboxHeadId(userId, deviceId);
    const head = (docs.get(headId) ?? null) as InboxHead | null;
    if (head && head._meta.offset >= offset) continue;
    // A tombstone is an empty inbox: the device's id counts from 1 again after a deletion.
    const alive = head?.deleted ? null : head;
    const lastSeq = alive?.lastSeq ?? 0;
    const ackedSeq = alive?.ackedSeq ?? 0;
    const current = sentSinceDeletion(head);
    const lastDeletion = head?.deletedAt === undefined ? {} : { deletedAt: head.deletedAt };
    const windowId = (w: number) => inboxWindowId(userId, deviceId, w);
    const newHead = (last: number, acked: number): InboxHead => ({
      _id: headId,
      kind: 'head',
      userId,
      deviceId,
      lastSeq: last,
      ackedSeq: acked,
      ...lastDeletion,
      _meta: meta,
    });
    applied++;
    if (event.type === 'ToDeviceQueued') {
      const { seq, sender, type, contentJson } = event.data;
      if (seq > ackedSeq) {
        const w = windowOf(seq);
        const held = (docs.get(windowId(w)) ?? null) as InboxWindow | null;
        const message: ToDeviceMessage = { seq, sender, type, contentJson, partition: recorded.partition, offset };
        const messages = [...(held?.messages ?? []).filter((m) => m.seq !== seq && current(m)), message].sort((a, b) => a.seq - b.seq);
        set(windowId(w), { _id: windowId(w), kind: 'window', userId, deviceId, window: w, messages, _meta: meta }, offset);
      }
      set(headId, newHead(Math.max(lastSeq, seq), ackedSeq), offset, true);
    } else if (event.type === 'ToDeviceAcked') {
      const upToSeq = event.data.upToSeq;
      if (upToSeq > ackedSeq) {
        // Windows with messages waiting (acked, last] that the acknowledgement reaches.
        for (let w = windowOf(ackedSeq + 1); w <= windowOf(Math.min(upToSeq, lastSeq)); w++) {
          const whole = (w + 1) * INBOX_WINDOW - 1 <= upToSeq;
          const held = (docs.get(windowId(w)) ?? null) as InboxWindow | null;
          const rest = whole ? [] : (held?.messages ?? []).filter((m) => m.seq > upToSeq && current(m));
          set(windowId(w), rest.length === 0 ? null : { ...held!, messages: rest, _meta: meta }, offset);
        }
      }
      set(headId, newHead(Math.max(lastSeq, upToSeq), Math.max(ackedSeq, upToSeq)), offset, true);
    } else {
      // DeviceDeleted: the windows go with the device, the head stays as a tombstone at this position.
      for (let w = windowOf(ackedSeq + 1); lastSeq > ackedSeq && w <= windowOf(lastSeq); w++) set(windowId(w), null, offset);
      set(headId, { _id: headId, kind: 'head', userId, deviceId, lastSeq: 0, ackedSeq: 0, deleted: true, deletedAt: offset, _meta: meta }, offset, true);
    }
  }
  const windows = { puts: [] as InboxDoc[], deletes: [] as InboxDelete[] };
  const heads = { puts: [] as InboxDoc[], deletes: [] as InboxDelete[] };
  // A document read and found absent needs no delete; one deleted unread does.
  const read = new Set(inboxIdsToRead(events));
  for (const [id, { offset, head }] of changed) {
    const doc = docs.get(id) ?? null;
    const into = head ? heads : windows;
    if (doc) into.puts.push(doc);
    else if (stored.has(id) || !read.has(id)) into.deletes.push({ _id: id, offset });
  }
  return { windows, heads, applied };
}

/**
 * Applies a batch of one partition: one concurrent round of point reads, then the windows, then
 * the heads. Returns how many events changed an inbox.
 */
export async function applyToInbox(store: InboxStore, all: readonly RecordedEvent<InboxEvent>[], poisoned?: PoisonSink): Promise<number> {
  const events = keyedEvents([...all], (e) => inboxIdsToRead([e]), poisoned);
  if (events.length === 0) return 0;
  const stored = await store.read(inboxIdsToRead(events));
  const { windows, heads, applied } = foldWithoutPoison(events, (folded) => foldInbox(stored, folded), poisoned).result;
  await store.write(windows.puts, windows.deletes);
  await store.write(heads.puts, heads.deletes);
  return applied;
}

/**
 * A device's waiting messages in sequence (and log) order: one point read of the head, then its
 * windows, `windowsPerRound` concurrent point reads at a time, until `enough(rows so far)` or the
 * inbox ends. A tombstone reads as empty, and messages from before the device's last deletion
 * never show.
 */
export async function readInbox(
  store: Pick<InboxStore, 'read'>,
  userId: string,
  deviceId: string,
  enough: (rows: readonly ToDeviceRow[]) => boolean = () => false,
  windowsPerRound = 4,
): Promise<ToDeviceRow[]> {
  const head = (await store.read([inboxHeadId(userId, deviceId)])).get(inboxHeadId(userId, deviceId)) as InboxHead | undefined;
  const rows: ToDeviceRow[] = [];
  if (!head || head.deleted || head.lastSeq <= head.ackedSeq) return rows;
  const current = sentSinceDeletion(head);
  const last = windowOf(head.lastSeq);
  for (let from = windowOf(head.ackedSeq + 1); from <= last && !enough(rows); from += windowsPerRound) {
    const ids = Array.from({ length: Math.min(windowsPerRound, last - from + 1) }, (_, i) => inboxWindowId(userId, deviceId, from + i));
    const found = await store.read(ids);
    for (const id of ids) {
      const window = found.get(id) as InboxWindow | undefined;
      for (const m of window?.messages ?? []) if (m.seq > head.ackedSeq && m.seq <= head.lastSeq && current(m)) rows.push({ ...m, userId, deviceId });
    }
  }
  return rows;
}
