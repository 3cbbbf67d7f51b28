import { DomainEvent, RoutedCommand, WriterFence } from '@app/contracts';
import { BatchDecider } from '../processing/batch-decider';
import { PartitionProcessor } from '../processing/partition-processor';
import { UserStateStore } from '../state/user-state.store';
import { claimedKeyIds, commandsOf } from '../testing/commands';
import { CollectingOutbox, HeldSnapshotStore, InMemoryCheckpoints, InMemoryEventLog } from '../testing/in-memory-ports';
import { WriterFencedError } from './partition-writer';

const OWNER = '@owner:example.org';
const P = 0;

const { upload, claim } = commandsOf(OWNER);
const keysOf = claimedKeyIds;

/** Two processes (their own memory, outbox and writer) over one log and one store, as after a rebalance. */
function cluster() {
  const log = new InMemoryEventLog();
  const snapshots = new HeldSnapshotStore();
  const checkpoints = new InMemoryCheckpoints();
  const process = () => {
    const outbox = new CollectingOutbox();
    const processor = new PartitionProcessor(
      new UserStateStore(snapshots, checkpoints, 1000),
      new BatchDecider(log.fenced(), outbox),
      log,
      log,
      'e2ee.events',
      {
        caughtUp: () => undefined,
        undecodable: () => undefined,
        flushFailed: () => undefined,
      },
    );
    const send = async (command: RoutedCommand) => {
      await processor.handle(P, [command]);
      return outbox.replies.find((r) => r.commandId === command.id);
    };
    return { processor, outbox, send };
  };
  /** One-time keys claimed by the events that stand, as every reader of the log folds it. */
  const standingClaims = () => {
    const fence = new WriterFence();
    return log
      .events(P)
      .filter((e, offset) => fence.admit(e, offset))
      .flatMap((e: DomainEvent) => (e.type === 'OneTimeKeyClaimed' ? [e.data.keyName.split(':')[1]] : []));
  };
  const allClaims = () => log.events(P).flatMap((e) => (e.type === 'OneTimeKeyClaimed' ? [e.data.keyName.split(':')[1]] : []));
  return { log, process, standingClaims, allClaims };
}

describe('fencing: a processor that lost its partition cannot get an event accepted', () => {
  it('a previous owner that has not noticed is fenced at its next append: no reply, its events void', async () => {
    const c = cluster();
    const a = c.process();
    await a.send(upload('u1', ['A', 'B', 'C']));
    expect(keysOf(await a.send(claim('c1')))).toEqual(['A']);

    // The partition moves to b (a's session expired during a pause); a does not know yet.
    const b = c.process();
    expect(keysOf(await b.send(claim('c2')))).toEqual(['B']);

    // a wakes up and decides the next command on its own memory, which lacks c2: key B again.
    await expect(a.processor.handle(P, [claim('c3')])).rejects.toThrow(WriterFencedError);
    expect(a.outbox.replies.find((r) => r.commandId === 'c3')).toBeUndefined(); // nobody was told B
    expect(c.allClaims()).toEqual(['A', 'B', 'B']); // a's event is in the log ...
    expect(c.standingClaims()).toEqual(['A', 'B']); // ... and void for every reader

    // c3 is redelivered to the owner: the next key, and a new process agrees with the log.
    expect(keysOf(await b.send(claim('c3')))).toEqual(['C']);
    expect(keysOf(await c.process().send(claim('c4')))).toEqual([]);
    expect(c.standingClaims()).toEqual(['A', 'B', 'C']);
  });

  it('a late marker of the previous owner fences the new one instead, which notices before it replies', async () => {
    const c = cluster();
    const b = c.process();
    await b.send(upload('u1', ['A', 'B', 'C']));
    // a was given the partition in an older generation and appends its marker only now: its
    // catch-up folds everything b wrote, so what a decides is right, and b is the stale one.
    const a = c.process();
    expect(keysOf(await a.send(claim('c1')))).toEqual(['A']);
    await expect(b.processor.handle(P, [claim('c2')])).rejects.toThrow(WriterFencedError);
    expect(b.outbox.replies.find((r) => r.commandId === 'c2')).toBeUndefined();
    expect(keysOf(await a.send(claim('c2')))).toEqual(['B']);
    expect(c.standingClaims()).toEqual(['A', 'B']);
  });

  it('catch-up resumes from a checkpoint with the fence position stored there', async () => {
    const c = cluster();
    const a = c.process();
    await a.send(upload('u1', ['A', 'B', 'C']));
    await a.send(claim('c1'));
    // b takes the partition and stores its checkpoint right after its marker (no command yet).
    const b = c.process();
    await b.processor.handle(P, []);
    await b.processor.flushAll();
    await expect(a.processor.handle(P, [claim('c2')])).rejects.toThrow(WriterFencedError); // a void claim of B
    // A third process resumes after b's checkpoint, so it never sees b's marker: only the fence
    // position stored with the checkpoint tells it that a's claim of B is void.
    expect(keysOf(await c.process().send(claim('c2')))).toEqual(['B']);
    expect(c.standingClaims()).toEqual(['A', 'B']);
  });
});
