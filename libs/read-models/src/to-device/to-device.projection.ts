import { Collection, Document, MongoBulkWriteError } from 'mongodb';
import { DomainEventType, RecordedEvent } from '@app/contracts';
import { CustomProjection, ProjectionContext, collectionName } from '../projection/projection';
import { DeviceListFeedDoc } from '../device-lists/device-lists.projection';

/** A to-device message waiting in a device's inbox until a later sync acknowledges it. */
export interface ToDeviceRow {
  readonly _id: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly seq: number;
  readonly sender: string;
  readonly type: string;
  readonly contentJson: string;
  readonly partition: number;
  readonly offset: number;
}

const HANDLES: readonly DomainEventType[] = ['ToDeviceQueued', 'ToDeviceAcked', 'DeviceDeleted'];

export const toDeviceFeedName = (version: number): string => `${collectionName('to-device', version)}_feed`;

/**
 * Inboxes: a row per queued message (inserted once, id from its log position), deleted when the
 * device acknowledges it or is deleted. Applied strictly in log order, so a redelivered batch
 * ends in the same state. Live batches that queued something leave a wake-up notice for the
 * keys-api's watcher, as the device-lists projection does.
 */
export const toDeviceProjection: CustomProjection = {
  name: 'to-device',
  handles: HANDLES,
  indexes: [{ userId: 1, deviceId: 1, seq: 1 }],
  async apply(collection: Collection<Document>, events: readonly RecordedEvent[], context: ProjectionContext): Promise<number> {
    const relevant = events.filter((e) => HANDLES.includes(e.event.type));
    let pending: ToDeviceRow[] = [];
    const flush = async () => {
      if (pending.length > 0) await insertIgnoringDuplicates(collection, pending);
      pending = [];
    };
    const recipients = new Set<string>();
    for (const { event, partition, offset } of relevant) {
      if (event.type === 'ToDeviceQueued') {
        const { userId, deviceId, seq, sender, type, contentJson } = event.data;
        pending.push({ _id: JSON.stringify([partition, Number(offset)]), userId, deviceId, seq, sender, type, contentJson, partition, offset: Number(offset) });
        recipients.add(userId);
      } else if (event.type === 'ToDeviceAcked') {
        await flush();
        await collection.deleteMany({ userId: event.data.userId, deviceId: event.data.deviceId, seq: { $lte: event.data.upToSeq } });
      } else if (event.type === 'DeviceDeleted') {
        await flush();
        await collection.deleteMany({ userId: event.data.userId, deviceId: event.data.deviceId });
      }
    }
    await flush();
    if (context.live && recipients.size > 0) {
      const first = relevant[0];
      const last = relevant[relevant.length - 1];
      const notice: DeviceListFeedDoc = {
        _id: JSON.stringify([first.partition, Number(first.offset)]),
        partition: last.partition,
        offset: Number(last.offset),
        at: Date.now(),
        rooms: [],
        users: [...recipients],
      };
      const feed = context.db.collection<DeviceListFeedDoc>(toDeviceFeedName(context.version));
      await feed.insertOne(notice).catch((err: { code?: number }) => {
        if (err.code !== 11000) throw err;
      });
      await pruneFeed(feed);
    }
    return relevant.length;
  },
};

let lastPrune = 0;
async function pruneFeed(feed: Collection<DeviceListFeedDoc>): Promise<void> {
  if (Date.now() - lastPrune < 10_000) return;
  lastPrune = Date.now();
  await feed.deleteMany({ at: { $lt: Date.now() - 60_000 } });
}

async function insertIgnoringDuplicates(collection: Collection<Document>, rows: readonly ToDeviceRow[]): Promise<void> {
  try {
    await collection.insertMany(rows as unknown as Document[], { ordered: false });
  } catch (err) {
    const errors = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors]) : [];
    if (errors.length === 0 || !errors.every((e) => e.code === 11000)) throw err;
  }
}

/** A device's waiting messages in the order they were queued, at most `limit`. */
export async function pendingToDevice(collection: Collection<Document>, userId: string, deviceId: string, limit: number): Promise<ToDeviceRow[]> {
  return (await collection.find({ userId, deviceId }).sort({ seq: 1 }).limit(limit).toArray()) as unknown as ToDeviceRow[];
}
