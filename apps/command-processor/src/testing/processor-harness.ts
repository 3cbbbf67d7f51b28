import { PartitionReader } from '@app/kafka';
import { CommandReply, RoutedCommand } from '@app/contracts';
import { UserStateStore } from '../state/user-state.store';
import { BatchDecider } from '../processing/batch-decider';
import { PartitionProcessor } from '../processing/partition-processor';
import { CollectingOutbox, HeldSnapshotStore, InMemoryCheckpoints, InMemoryEventLog } from './in-memory-ports';

/** The partition the harness's commands go to. */
export const P = 0;

/**
 * The processor with in-memory ports, a fake clock and a snapshot store whose writes the test can
 * hold. Catch-up reads the in-memory log itself unless `readerOf` wraps it.
 */
export function processorHarness(readerOf: (log: InMemoryEventLog) => PartitionReader = (log) => log) {
  let clock = 0;
  const snapshots = new HeldSnapshotStore();
  const checkpoints = new InMemoryCheckpoints();
  const log = new InMemoryEventLog();
  const outbox = new CollectingOutbox();
  const store = new UserStateStore(snapshots, checkpoints, 1000, () => clock);
  const processor = new PartitionProcessor(store, new BatchDecider(log.fenced(), outbox), readerOf(log), log, 'e2ee.events', {
    caughtUp: () => undefined,
    undecodable: () => undefined,
    flushFailed: () => undefined,
  });
  const send = async (command: RoutedCommand): Promise<CommandReply> => {
    await processor.handle(P, [command]);
    return outbox.replies.filter((r) => r.commandId === command.id).pop()!;
  };
  /** Starts the timer's flush with the snapshot write held open; resolves once the write has begun. */
  const startHeldTimedFlush = async () => {
    clock += 1000;
    const release = snapshots.holdNextWrite();
    const flushing = processor.flushDue();
    await snapshots.writeStarted.promise;
    return { release, flushing };
  };
  const claimedKeys = () =>
    log
      .events(P)
      .filter((e) => e.type === 'OneTimeKeyClaimed')
      .map((e) => (e.data as { keyName: string }).keyName);
  return { processor, store, snapshots, checkpoints, log, outbox, send, startHeldTimedFlush, claimedKeys };
}

/** The key names a claim reply hands out, or the reply itself. */
export const keysOf = (reply: CommandReply) =>
  reply.outcome.ok && reply.outcome.result.kind === 'claim' ? reply.outcome.result.claimed.map((c) => c.keyName) : reply;
