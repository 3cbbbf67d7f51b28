import { ConsumedMessage, PartitionReader } from '@app/kafka';
import { UserStateStore } from '../state/user-state.store';
import { claimedKeyIds, commandsOf } from '../testing/commands';
import { CollectingOutbox, HeldSnapshotStore, InMemoryCheckpoints, InMemoryEventLog, deferred } from '../testing/in-memory-ports';
import { BatchDecider } from './batch-decider';
import { PartitionProcessor } from './partition-processor';

// Found by the simulation (sessions expiring mid-batch): a catch-up still reading when the
// partition was evicted marked the partition caught up, and the batch was decided on the fresh
// memory that replaced the evicted one, which had not been caught up: a redelivered claim was
// answered from a state that missed its own second key.

const OWNER = '@owner:example.org';
const P = 0;
const { upload, claim } = commandsOf(OWNER);

/** Reads as the log does, but the next read waits for the test once `hold` was called. */
class HeldReader implements PartitionReader {
  private gate: Promise<void> | null = null;
  started = deferred();

  constructor(private readonly log: InMemoryEventLog) {}

  hold(): () => void {
    const gate = deferred();
    this.gate = gate.promise;
    this.started = deferred();
    return gate.release;
  }

  async read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
    const gate = this.gate;
    this.gate = null;
    if (gate) {
      this.started.release();
      await gate;
    }
    await this.log.read(topic, partition, fromOffset, onMessages);
  }

  readRange(): Promise<Map<number, string>> {
    return Promise.reject(new Error('not used by the processor'));
  }
}

describe('an eviction while catch-up reads', () => {
  it('fails the batch instead of deciding on memory that was never caught up; the retry is right', async () => {
    const log = new InMemoryEventLog();
    const reader = new HeldReader(log);
    const outbox = new CollectingOutbox();
    const store = new UserStateStore(new HeldSnapshotStore(), new InMemoryCheckpoints(), 1000);
    const processor = new PartitionProcessor(store, new BatchDecider(log.fenced(), outbox), reader, log, 'e2ee.events', {
      caughtUp: () => undefined,
      undecodable: () => undefined,
      flushFailed: () => undefined,
    });
    await processor.handle(P, [upload('u1', ['A', 'B'])]);
    await processor.handle(P, [claim('c1')]);

    processor.reassigned(); // the next batch catches up again ...
    const release = reader.hold();
    const redelivered = processor.handle(P, [claim('c1')]);
    await reader.started.promise;
    processor.reassigned(); // ... and is evicted while it reads
    release();
    await expect(redelivered).rejects.toThrow(/evicted during its batch/);
    expect(outbox.replies.filter((r) => r.commandId === 'c1')).toHaveLength(1);

    await processor.handle(P, [claim('c1')]); // redelivered again: caught up, answered the same
    const answers = outbox.replies.filter((r) => r.commandId === 'c1').map(claimedKeyIds);
    expect(answers).toEqual([['A'], ['A']]);
    await processor.handle(P, [claim('c2')]);
    expect(claimedKeyIds(outbox.replies.find((r) => r.commandId === 'c2'))).toEqual(['B']);
  });
});
