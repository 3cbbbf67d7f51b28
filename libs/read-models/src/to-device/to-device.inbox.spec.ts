import { RecordedEvent } from '@app/contracts';
import {
  INBOX_WINDOW,
  InboxDoc,
  InboxEvent,
  InboxStore,
  InboxWindow,
  applyToInbox,
  foldInbox,
  inboxHeadId,
  inboxIdsToRead,
  inboxWindowId,
  readInbox,
} from './to-device.inbox';

/** The store as the Mongo adapter behaves: point reads, writes guarded by log position. */
class MemoryInboxStore implements InboxStore {
  readonly docs = new Map<string, InboxDoc>();
  readonly reads: string[][] = [];
  /** Fails the next write call, after making none of it (a crash between two writes). */
  failNextWrite = false;

  async read(ids: readonly string[]) {
    this.reads.push([...ids]);
    return new Map(ids.flatMap((id) => (this.docs.has(id) ? [[id, this.docs.get(id)!] as const] : [])));
  }

  async write(puts: readonly InboxDoc[], deletes: readonly { _id: string; offset: number }[]) {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('crash');
    }
    for (const doc of puts) {
      const stored = this.docs.get(doc._id);
      if (!stored || stored._meta.offset < doc._meta.offset) this.docs.set(doc._id, doc);
    }
    for (const d of deletes) if ((this.docs.get(d._id)?._meta.offset ?? -1) <= d.offset) this.docs.delete(d._id);
  }

  snapshot(): string {
    return JSON.stringify([...this.docs].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** One user's partition of e2ee.events. */
class Log {
  readonly events: RecordedEvent<InboxEvent>[] = [];
  private readonly seqs = new Map<string, number>();

  private append(type: string, data: Record<string, unknown>): void {
    const offset = this.events.length;
    this.events.push({
      event: { id: `e${offset}`, type, schemaVersion: 1, key: '@u:hs', time: 0, correlationId: 'c', causationId: null, data },
      partition: 3,
      offset: String(offset),
    } as never);
  }
  queue(deviceId: string, count = 1): void {
    for (let i = 0; i < count; i++) {
      const seq = (this.seqs.get(deviceId) ?? 0) + 1;
      this.seqs.set(deviceId, seq);
      this.append('ToDeviceQueued', { userId: '@u:hs', deviceId, seq, sender: '@s:hs', type: 'm.test', contentJson: JSON.stringify({ n: seq }) });
    }
  }
  ack(deviceId: string, upToSeq: number): void {
    this.append('ToDeviceAcked', { userId: '@u:hs', deviceId, upToSeq });
  }
  deleteDevice(deviceId: string): void {
    this.seqs.delete(deviceId);
    this.append('DeviceDeleted', { userId: '@u:hs', deviceId });
  }
}

const seqsOf = async (store: InboxStore, deviceId: string) => (await readInbox(store, '@u:hs', deviceId)).map((r) => r.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function applyInBatches(store: InboxStore, events: readonly RecordedEvent<InboxEvent>[], size: number): Promise<void> {
  for (let i = 0; i < events.length; i += size) await applyToInbox(store, events.slice(i, i + size));
}

describe('to-device inbox (head and windows by _id)', () => {
  it('keeps waiting messages in order across windows; an acknowledgement deletes whole windows and trims the one it cuts', async () => {
    const log = new Log();
    log.queue('D', 2 * INBOX_WINDOW + 5);
    const store = new MemoryInboxStore();
    await applyToInbox(store, log.events);
    expect(await seqsOf(store, 'D')).toEqual(range(1, 2 * INBOX_WINDOW + 5));
    expect(store.docs.has(inboxWindowId('@u:hs', 'D', 0))).toBe(true);

    log.ack('D', INBOX_WINDOW + 3);
    await applyToInbox(store, log.events.slice(-1));
    expect(await seqsOf(store, 'D')).toEqual(range(INBOX_WINDOW + 4, 2 * INBOX_WINDOW + 5));
    expect(store.docs.has(inboxWindowId('@u:hs', 'D', 0))).toBe(false);
    expect(store.docs.get(inboxHeadId('@u:hs', 'D'))).toMatchObject({ lastSeq: 2 * INBOX_WINDOW + 5, ackedSeq: INBOX_WINDOW + 3 });

    log.ack('D', 2 * INBOX_WINDOW + 5);
    await applyToInbox(store, log.events.slice(-1));
    expect(await seqsOf(store, 'D')).toEqual([]);
    expect([...store.docs.keys()]).toEqual([inboxHeadId('@u:hs', 'D')]); // only the head stays
  });

  it('a deleted device loses its inbox (its head stays as a tombstone); its id comes back with an empty one, counting from 1 again', async () => {
    const log = new Log();
    log.queue('D', INBOX_WINDOW + 2);
    log.queue('E', 1);
    log.deleteDevice('D');
    const store = new MemoryInboxStore();
    await applyToInbox(store, log.events);
    expect(await seqsOf(store, 'D')).toEqual([]);
    expect([...store.docs.keys()].filter((id) => id.includes('"D"'))).toEqual([inboxHeadId('@u:hs', 'D')]);
    expect(store.docs.get(inboxHeadId('@u:hs', 'D'))).toMatchObject({ deleted: true, lastSeq: 0, ackedSeq: 0, _meta: { offset: log.events.length - 1 } });
    expect(await seqsOf(store, 'E')).toEqual([1]);
    log.queue('D', 2);
    await applyToInbox(store, log.events.slice(-2));
    expect(await seqsOf(store, 'D')).toEqual([1, 2]);
  });

  it('ends in the same documents however the log is cut into batches, redelivered, or replayed', async () => {
    const log = new Log();
    log.queue('D', 40);
    log.queue('E', 3);
    log.ack('D', 10);
    log.queue('D', 30);
    log.ack('D', 64);
    log.deleteDevice('E');
    log.queue('E', 2);
    log.ack('D', 70);
    log.queue('D', 5);

    const once = new MemoryInboxStore();
    await applyToInbox(once, log.events);
    for (const size of [1, 2, 3, 7, 16]) {
      const batched = new MemoryInboxStore();
      await applyInBatches(batched, log.events, size);
      expect(batched.snapshot()).toEqual(once.snapshot());
    }
    // Any older batch delivered again after everything (a stale writer) changes nothing either.
    for (const [from, to] of [
      [0, 5],
      [40, 43],
      [70, 76],
      [40, 78],
    ]) {
      const stale = new MemoryInboxStore();
      await applyToInbox(stale, log.events);
      await applyToInbox(stale, log.events.slice(from, to));
      expect(stale.snapshot()).toEqual(once.snapshot());
    }
    // A redelivery of any suffix of the log (what Kafka redelivers after a crash) changes nothing.
    for (const from of [0, 5, 41, 50, log.events.length - 1]) {
      const redelivered = new MemoryInboxStore();
      await applyToInbox(redelivered, log.events);
      await applyInBatches(redelivered, log.events.slice(from), 4);
      expect(redelivered.snapshot()).toEqual(once.snapshot());
    }
    expect(await seqsOf(once, 'D')).toEqual(range(71, 75));
    expect(await seqsOf(once, 'E')).toEqual([1, 2]);
  });

  it('a stale writer that read the inbox before the deletion and writes after it brings nothing back', async () => {
    const log = new Log();
    log.queue('D', INBOX_WINDOW + 3);
    const beforeDeletion = log.events.length;
    log.deleteDevice('D');
    const store = new MemoryInboxStore();
    await applyToInbox(store, log.events);
    // The old owner of the partition, in a rebalance: it read an empty store, folded the messages, and writes only now.
    const stale = foldInbox(new Map(), log.events.slice(0, beforeDeletion));
    await store.write(stale.windows.puts, stale.windows.deletes);
    await store.write(stale.heads.puts, stale.heads.deletes);
    expect(store.docs.get(inboxHeadId('@u:hs', 'D'))).toMatchObject({ deleted: true }); // refused by the tombstone's position
    expect(store.docs.has(inboxWindowId('@u:hs', 'D', 0))).toBe(true); // windows it inserted (absent) stay, unread
    expect(await seqsOf(store, 'D')).toEqual([]);
    // And a redelivery of the same events through the normal path is skipped at the head.
    expect(await applyToInbox(store, log.events.slice(0, beforeDeletion))).toBe(0);

    // The id comes back: only what was sent to the new device shows, never the old windows' messages.
    log.queue('D', 2);
    await applyToInbox(store, log.events.slice(-2));
    const rows = await readInbox(store, '@u:hs', 'D');
    expect(rows.map((r) => [r.seq, r.offset])).toEqual([
      [1, beforeDeletion + 1],
      [2, beforeDeletion + 2],
    ]);
    expect((store.docs.get(inboxWindowId('@u:hs', 'D', 0)) as InboxWindow).messages).toHaveLength(2); // the old ones dropped on rewrite
    // Up to the window the old device reached, its leftovers never show either.
    log.queue('D', INBOX_WINDOW + 1);
    await applyToInbox(store, log.events.slice(-(INBOX_WINDOW + 1)));
    expect((await readInbox(store, '@u:hs', 'D')).every((r) => r.offset > beforeDeletion)).toBe(true);
    expect(await seqsOf(store, 'D')).toEqual(range(1, INBOX_WINDOW + 3));
  });

  it('the stale writer, racing a batch that queued and deleted at once, is refused too', async () => {
    const log = new Log();
    log.queue('D', 3);
    log.deleteDevice('D');
    const store = new MemoryInboxStore();
    const staleRead = await store.read(inboxIdsToRead(log.events.slice(0, 3))); // nothing stored yet
    await applyToInbox(store, log.events);
    const stale = foldInbox(staleRead, log.events.slice(0, 3));
    await store.write(stale.windows.puts, stale.windows.deletes);
    await store.write(stale.heads.puts, stale.heads.deletes);
    expect(await seqsOf(store, 'D')).toEqual([]);
    expect(store.docs.get(inboxHeadId('@u:hs', 'D'))).toMatchObject({ deleted: true, _meta: { offset: 3 } });
  });

  it('a batch cut short between its window writes and its head writes converges when redelivered', async () => {
    const log = new Log();
    log.queue('D', 5);
    log.ack('D', 3);
    log.queue('D', 2);
    log.deleteDevice('D');
    log.queue('D', 1);
    const expected = new MemoryInboxStore();
    await applyToInbox(expected, log.events);
    for (let cut = 1; cut <= log.events.length; cut++) {
      const store = new MemoryInboxStore();
      await applyToInbox(store, log.events.slice(0, cut - 1));
      // The batch of events up to `cut`: windows written, then a crash before the heads.
      const batch = log.events.slice(cut - 1, cut + 1);
      const write = store.write.bind(store);
      let calls = 0;
      store.write = async (puts, deletes) => {
        if (++calls === 2) throw new Error('crash');
        return write(puts, deletes);
      };
      await expect(applyToInbox(store, batch)).rejects.toThrow('crash');
      store.write = write;
      await applyInBatches(store, log.events.slice(cut - 1), 2);
      expect(store.snapshot()).toEqual(expected.snapshot());
    }
  });

  it('reads the head, then only as many windows as the caller needs, concurrently per round', async () => {
    const log = new Log();
    log.queue('D', 10 * INBOX_WINDOW);
    const store = new MemoryInboxStore();
    await applyToInbox(store, log.events);
    store.reads.length = 0;
    const rows = await readInbox(store, '@u:hs', 'D', (read) => read.length > 100, 2);
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.map((r) => r.seq)).toEqual(range(1, rows.length));
    expect(store.reads[0]).toEqual([inboxHeadId('@u:hs', 'D')]);
    expect(store.reads.slice(1).flat().length).toBeLessThanOrEqual(Math.ceil(101 / INBOX_WINDOW) + 2);
    expect(store.reads.slice(1).every((ids) => ids.length <= 2)).toBe(true);
  });

  it('a device with no inbox costs one point read', async () => {
    const store = new MemoryInboxStore();
    expect(await readInbox(store, '@u:hs', 'NONE')).toEqual([]);
    expect(store.reads).toEqual([[inboxHeadId('@u:hs', 'NONE')]]);
  });
});

describe('applyToInbox with an event it cannot fold', () => {
  it('with a sink: reports it and applies the rest of the batch; without one the batch fails', async () => {
    const log = new Log();
    log.queue('D', 2);
    const poison = { ...log.events[0], offset: '99', event: { ...log.events[0].event, data: null } } as never as RecordedEvent<InboxEvent>;
    const batch = [log.events[0], poison, log.events[1]];
    const reported: string[] = [];
    const store = new MemoryInboxStore();
    expect(await applyToInbox(store, batch, (p) => reported.push(p.recorded.offset))).toBe(2);
    expect(reported).toEqual(['99']);
    expect(await seqsOf(store, 'D')).toEqual([1, 2]);
    await expect(applyToInbox(new MemoryInboxStore(), batch)).rejects.toThrow();
  });
});
