import { Db } from 'mongodb';

/** One applied batch that changed something a long-poll may wait for. */
export interface FeedNotice {
  /** Offset of the last event of the batch. */
  readonly offset: number;
  /** When it was written (for measurements only; nothing is decided by time). */
  readonly at: number;
  readonly rooms: readonly string[];
  readonly users: readonly string[];
  /** Too many rooms and users to list: the notice concerns every waiter. */
  readonly all?: boolean;
}

/**
 * The wake-up feed of one partition of `e2ee.events` for one projection version: a bounded ring
 * of the last notices, `_id` = the partition number as a string. Only the runner of that partition
 * writes it (one writer per document: FerretDB updates are not atomic), and readers reach it by
 * `_id`. Older notices fall out of the ring; `droppedUpTo` says up to where, so a reader that never
 * saw them can assume the worst (wake, and re-read) instead of missing one.
 */
export interface WakeUpFeedDoc {
  readonly _id: string;
  readonly partition: number;
  /** Offset of the newest notice (-1 when none). */
  readonly offset: number;
  /** Notices at or below this offset may be missing: dropped from the ring, or from before it (-1: none). */
  readonly droppedUpTo: number;
  /** Oldest first. */
  readonly notices: readonly FeedNotice[];
}

/** Most notices a ring keeps: enough for several 25 ms polls of a busy partition. */
export const FEED_RING_NOTICES = 64;
/** Most room and user ids a ring keeps in all (a bounded document); a larger notice becomes `all`. */
export const FEED_RING_IDS = 1024;

export const feedDocId = (partition: number): string => String(partition);

/**
 * The ring with one more notice (pure), for a batch whose events began at `batchStart` (the
 * notice's offset is its last). A notice at or below the ring's newest is already in it (a
 * redelivered batch), and the ring is returned unchanged.
 */
export function withNotice(doc: WakeUpFeedDoc | null, partition: number, notice: FeedNotice, batchStart = notice.offset): WakeUpFeedDoc {
  // A new ring knows nothing of the log before its first batch (a replay's batches, for one, write no notices).
  const current: WakeUpFeedDoc = doc ?? { _id: feedDocId(partition), partition, offset: -1, droppedUpTo: batchStart - 1, notices: [] };
  if (notice.offset <= current.offset) return current;
  const ids = notice.rooms.length + notice.users.length;
  const added: FeedNotice = notice.all || ids > FEED_RING_IDS ? { offset: notice.offset, at: notice.at, rooms: [], users: [], all: true } : notice;
  const notices = [...current.notices, added];
  let droppedUpTo = current.droppedUpTo;
  let total = notices.reduce((sum, n) => sum + n.rooms.length + n.users.length, 0);
  while (notices.length > FEED_RING_NOTICES || total > FEED_RING_IDS) {
    const dropped = notices.shift()!;
    total -= dropped.rooms.length + dropped.users.length;
    droppedUpTo = Math.max(droppedUpTo, dropped.offset);
  }
  return { _id: current._id, partition, offset: added.offset, droppedUpTo, notices };
}

/**
 * Adds a notice to its partition's ring: one read and one write by `_id`. The write replaces only
 * the ring it read (same newest offset), so a stale writer (briefly, in a rebalance) never puts an
 * older ring back; a redelivered batch's notice is already in the ring and writes nothing.
 */
export async function appendNotice(db: Db, feedName: string, partition: number, notice: FeedNotice, batchStart: number): Promise<void> {
  const feed = db.collection<WakeUpFeedDoc>(feedName);
  const id = feedDocId(partition);
  // Twice at most: only another writer (a rebalance) can change the ring between read and write.
  for (let attempt = 0; attempt < 2; attempt++) {
    const stored = await feed.findOne({ _id: id });
    const next = withNotice(stored, partition, notice, batchStart);
    if (next === stored) return;
    try {
      if (!stored) return void (await feed.insertOne(next as never));
      if ((await feed.replaceOne({ _id: id, offset: stored.offset } as never, next)).matchedCount === 1) return;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
}

/**
 * Rooms named by the notices after `after`, or `undefined` when the ring cannot tell: it is
 * absent, no longer reaches back so far, or a notice there concerns everything.
 */
export function roomsNoticedAfter(ring: WakeUpFeedDoc | null | undefined, after: number): Set<string> | undefined {
  if (!ring || after < ring.droppedUpTo) return undefined;
  const rooms = new Set<string>();
  for (const notice of ring.notices) {
    if (notice.offset <= after) continue;
    if (notice.all) return undefined;
    for (const room of notice.rooms) rooms.add(room);
  }
  return rooms;
}
