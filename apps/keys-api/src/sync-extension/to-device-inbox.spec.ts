import { ToDeviceRow } from '@app/read-models';
import { InboxRows, TO_DEVICE_PER_RESPONSE, ackToDevice, readInbox } from './to-device-inbox';

const DEVICE = { userId: '@a:hs', deviceId: 'PHONE' };

/** Messages of one device in partition 0, offsets from 10, sequence numbers from 1. */
const rows = (count: number): ToDeviceRow[] =>
  Array.from(
    { length: count },
    (_, i) =>
      ({
        userId: DEVICE.userId,
        deviceId: DEVICE.deviceId,
        partition: 0,
        offset: 10 + i,
        seq: i + 1,
        sender: '@b:hs',
        type: 'm.x',
        contentJson: JSON.stringify({ n: i }),
      }) as ToDeviceRow,
  );

/** The inbox in memory, read one message at a time until `enough`, as the store's windows would. */
function inbox(all: ToDeviceRow[]) {
  const reads = { rows: 0 };
  const rowsOf: InboxRows = async (_userId, _deviceId, enough) => {
    const read: ToDeviceRow[] = [];
    for (const row of all) {
      if (enough(read)) break;
      read.push(row);
      reads.rows++;
    }
    return read;
  };
  return { rowsOf, reads };
}

describe('readInbox', () => {
  it('has nothing for a requester without a device', async () => {
    const { rowsOf, reads } = inbox(rows(3));
    await expect(readInbox(rowsOf, { userId: '@a:hs', deviceId: null }, null, [99])).resolves.toEqual({ events: [] });
    expect(reads.rows).toBe(0);
  });

  it('hands out the messages after `since` and covered by `next`, and tells what `since` acknowledges', async () => {
    const { rowsOf } = inbox(rows(5)); // offsets 10..14
    const read = await readInbox(rowsOf, DEVICE, [11], [13]);
    expect(read.events.map((e) => e.content)).toEqual([{ n: 2 }, { n: 3 }]);
    expect(read.receivedUpTo).toBe(2); // seq of offset 11
    expect(read.capAt).toBeUndefined();
  });

  it('stops at 100 and caps the token at the last one handed out, reading no further than needed', async () => {
    const { rowsOf, reads } = inbox(rows(TO_DEVICE_PER_RESPONSE + 50));
    const read = await readInbox(rowsOf, DEVICE, null, [1_000]);
    expect(read.events).toHaveLength(TO_DEVICE_PER_RESPONSE);
    expect(read.capAt).toEqual({ partition: 0, offset: 10 + TO_DEVICE_PER_RESPONSE - 1 });
    expect(read.receivedUpTo).toBeUndefined();
    expect(reads.rows).toBe(TO_DEVICE_PER_RESPONSE + 1);
  });
});

describe('ackToDevice', () => {
  it('names the acknowledgement, so a repeated sync is a repeated command', () => {
    const first = ackToDevice(DEVICE, 7, 'req-1', 1000);
    const again = ackToDevice(DEVICE, 7, 'req-2', 2000);
    expect(first.id).toBe(again.id);
    expect(first).toMatchObject({
      type: 'AckToDevice',
      key: '@a:hs',
      time: 1000,
      correlationId: 'req-1',
      data: { userId: '@a:hs', deviceId: 'PHONE', upToSeq: 7 },
      routing: { replyTo: '' },
    });
  });
});
