import { DomainEvent } from '@app/contracts';
import { BatchDecider } from '../processing/batch-decider';
import { PartitionProcessor } from '../processing/partition-processor';
import { UserStateStore } from '../state/user-state.store';
import { claimedKeyIds, commandsOf } from '../testing/commands';
import { CollectingOutbox, HeldSnapshotStore, InMemoryCheckpoints, InMemoryEventLog } from '../testing/in-memory-ports';

const OWNER = '@owner:example.org';
const { upload, claim } = commandsOf(OWNER);

describe('catch-up over an event its fold throws on', () => {
  it('skips and reports it, and the partition goes on deciding', async () => {
    const log = new InMemoryEventLog();
    const outbox = new CollectingOutbox();
    const skipped: string[] = [];
    const processor = () =>
      new PartitionProcessor(
        new UserStateStore(new HeldSnapshotStore(), new InMemoryCheckpoints(), 1000),
        new BatchDecider(log.fenced(), outbox),
        log,
        log,
        'e2ee.events',
        {
          caughtUp: () => undefined,
          undecodable: (_partition, offset, reason) => skipped.push(`${offset}: ${reason}`),
          flushFailed: () => undefined,
        },
      );
    await processor().handle(0, [upload('u1', ['A'])]);
    // A one-time-key upload without its key list, by the partition's current writer: it stands, and evolve cannot fold it.
    const writer = log
      .events(0)
      .flatMap((e) => (e.type === 'WriterStarted' ? [e.data.writer] : []))
      .pop();
    const poison = {
      id: 'p/0',
      type: 'OneTimeKeysUploaded',
      schemaVersion: 1,
      key: OWNER,
      time: 1,
      correlationId: 'p',
      causationId: 'p',
      data: { userId: OWNER, deviceId: 'DEV' },
      writer,
    };
    const [offset] = await log.append(0, [poison as unknown as DomainEvent]);

    const next = processor(); // a new owner catches up over it
    await next.handle(0, [claim('c1')]);
    expect(skipped).toEqual([expect.stringMatching(new RegExp(`^${offset}: evolve failed`))]);
    expect(claimedKeyIds(outbox.replies.find((r) => r.commandId === 'c1'))).toEqual(['A']);
  });
});
