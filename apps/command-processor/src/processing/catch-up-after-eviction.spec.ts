import { ConsumedMessage, PartitionReader } from '@app/kafka';
import { commandsOf } from '../testing/commands';
import { InMemoryEventLog } from '../testing/in-memory-ports';
import { P, keysOf, processorHarness } from '../testing/processor-harness';

// Found by the simulation (src/simulation/): after an eviction, catch-up starts from the
// checkpoint it read while the evicted memory's write was open; that write then stores newer
// states, and catch-up's first flush (after its first fetch) wrote its older ones over them.
// A failure before its next flush left the store behind its checkpoint: a key handed out twice.

const OWNER = '@owner:example.org';

const { upload, claim } = commandsOf(OWNER);

/** Hands the log out one message per fetch, and fails the second fetch when told to. */
class OneByOneReader implements PartitionReader {
  failSecondFetch = false;

  constructor(private readonly log: InMemoryEventLog) {}

  async read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
    let fetches = 0;
    await this.log.read(topic, partition, fromOffset, async (messages) => {
      for (const message of messages) {
        if (++fetches === 2 && this.failSecondFetch) {
          this.failSecondFetch = false;
          throw new Error('fetch failed');
        }
        await onMessages([message]);
      }
    });
  }

  readRange(): Promise<Map<number, string>> {
    return Promise.reject(new Error('not used by the processor'));
  }
}

describe('catch-up after an eviction while a snapshot write is open', () => {
  it('never writes its first, older states over what the open write stored', async () => {
    let reader!: OneByOneReader;
    const { processor, store, snapshots, log, send, startHeldTimedFlush, claimedKeys } = processorHarness((events) => (reader = new OneByOneReader(events)));

    await send(upload('u1', ['A', 'B']));
    await store.flush(P, true); // stored: the upload, checkpoint 0
    await send(claim('c1'));
    await send(claim('c2'));
    const { release, flushing } = await startHeldTimedFlush(); // writes the state after c2, held open

    processor.reassigned();
    reader.failSecondFetch = true;
    // Catch-up reads checkpoint 0, folds c1 (first fetch) and waits behind the open write; the
    // write lands (state after c2, checkpoint 2), then catch-up flushes; its second fetch fails.
    const failed = processor.handle(P, [claim('c3')]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await flushing;
    await expect(failed).rejects.toThrow('fetch failed');
    await store.settled();

    // Redelivered: caught up from checkpoint 2 and the stored state (it was the state after c1).
    expect(keysOf(await send(claim('c3')))).toEqual([]);
    expect(claimedKeys()).toEqual(['signed_curve25519:A', 'signed_curve25519:B']);
    expect(snapshots.stored.get(OWNER)!.lastOffset).toBe(log.lastOffsetOfCommand(P, 'c2'));
  });
});
