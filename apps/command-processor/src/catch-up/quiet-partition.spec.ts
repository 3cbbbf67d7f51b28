import { ConsumedMessage, PartitionReader } from '@app/kafka';
import { BatchDecider } from '../processing/batch-decider';
import { PartitionProcessor } from '../processing/partition-processor';
import { UserStateStore } from '../state/user-state.store';
import { claimedKeyIds, commandsOf } from '../testing/commands';
import { CollectingOutbox, HeldSnapshotStore, InMemoryCheckpoints, InMemoryEventLog } from '../testing/in-memory-ports';

const OWNER = '@owner:example.org';
const { upload, claim } = commandsOf(OWNER);

/** Counts the reads catch-up makes (each is a consumer-group join on Kafka). */
class CountingReader implements PartitionReader {
  reads = 0;
  constructor(private readonly log: InMemoryEventLog) {}
  read(topic: string, partition: number, from: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
    this.reads++;
    return this.log.read(topic, partition, from, onMessages);
  }
  readRange(): Promise<Map<number, string>> {
    return Promise.reject(new Error('not used by the processor'));
  }
}

describe('catch-up of a quiet partition', () => {
  it('reads nothing when only its own marker follows the checkpoint, and moves the checkpoint past it', async () => {
    const log = new InMemoryEventLog();
    const snapshots = new HeldSnapshotStore();
    const checkpoints = new InMemoryCheckpoints();
    const outbox = new CollectingOutbox();
    const reader = new CountingReader(log);
    const owner = () =>
      new PartitionProcessor(new UserStateStore(snapshots, checkpoints, 1000), new BatchDecider(log.fenced(), outbox), reader, log, 'e2ee.events', {
        caughtUp: () => undefined,
        undecodable: () => undefined,
        flushFailed: () => undefined,
      });
    const first = owner();
    await first.handle(0, [upload('u1', ['A', 'B'])]); // empty log: the marker is at the start
    expect(reader.reads).toBe(0);
    await first.flushAll();

    for (let round = 0; round < 3; round++) {
      await owner().handle(0, []); // rebalances: each new owner appends a marker right after the checkpoint
      expect(reader.reads).toBe(0);
      expect(checkpoints.saved.get(0)).toBe(log.events(0).length - 1);
    }
    // Events after the checkpoint are read, and decided on.
    await owner().handle(0, [claim('c1')]);
    await owner().handle(0, [claim('c2')]);
    expect(reader.reads).toBe(1);
    expect(claimedKeyIds(outbox.replies.find((r) => r.commandId === 'c2'))).toEqual(['B']);
  });
});
