import { UserStateStore } from '../state/user-state.store';
import { commandsOf } from '../testing/commands';
import { CollectingOutbox } from '../testing/in-memory-ports';
import { P, keysOf, processorHarness as harness } from '../testing/processor-harness';
import { BatchDecider } from './batch-decider';
import { PartitionProcessor } from './partition-processor';

const OWNER = '@owner:example.org';

const { upload, claim } = commandsOf(OWNER);

describe('partition processor: state never goes back when a snapshot write completes late', () => {
  it('a timed flush finishing after the next decision does not bring back the older state', async () => {
    const h = harness();
    await h.send(upload('u1', ['A', 'B']));
    expect(keysOf(await h.send(claim('c1')))).toEqual(['signed_curve25519:A']);
    const { release, flushing } = await h.startHeldTimedFlush();
    expect(keysOf(await h.send(claim('c2')))).toEqual(['signed_curve25519:B']);
    release();
    await flushing;
    await h.store.settled();
    expect(keysOf(await h.send(claim('c3')))).toEqual([]);
    expect(h.claimedKeys()).toEqual(['signed_curve25519:A', 'signed_curve25519:B']);
  });

  it('an eviction during a write, then catch-up while the write is still open, loses nothing', async () => {
    const h = harness();
    await h.send(upload('u1', ['A', 'B']));
    await h.send(claim('c1'));
    const { release, flushing } = await h.startHeldTimedFlush();
    expect(keysOf(await h.send(claim('c2')))).toEqual(['signed_curve25519:B']);
    h.processor.reassigned(); // a rebalance gave the partition back to this member
    // The next batch catches up from the store (which lacks c1 and c2) and the log, then decides.
    const third = h.send(claim('c3'));
    // Every fake settles in microtasks: one macrotask later catch-up has folded c2 from the log
    // and waits behind the open write, which is the interleaving under test.
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.store.partition(P).stagedCount).toBe(1);
    expect(h.snapshots.stored.get(OWNER)).toBeUndefined();
    release();
    await flushing;
    expect(keysOf(await third)).toEqual([]);
    await h.store.settled();
    expect(h.claimedKeys()).toEqual(['signed_curve25519:A', 'signed_curve25519:B']);
    // The store ends with the newest state flushed (c2's claim; c3 is staged), and the checkpoint names no event it lacks.
    const stored = h.snapshots.stored.get(OWNER)!;
    expect(stored.lastOffset).toBe(h.log.lastOffsetOfCommand(P, 'c2'));
    const ownersOffsets = h.log.events(P).flatMap((e, offset) => (e.key === OWNER ? [offset] : []));
    const coveredByCheckpoint = ownersOffsets.filter((offset) => offset <= h.checkpoints.saved.get(P)!);
    expect(Math.max(...coveredByCheckpoint)).toBeLessThanOrEqual(stored.lastOffset);
  });

  it('a command retried after such a flush is applied once and answered with the same keys', async () => {
    const h = harness();
    await h.send(upload('u1', ['A', 'B']));
    const { release, flushing } = await h.startHeldTimedFlush(); // writes the state before c1
    const first = keysOf(await h.send(claim('c1')));
    release();
    await flushing;
    await h.store.settled();
    const eventsBefore = h.log.events(P).length;
    expect(keysOf(await h.send(claim('c1')))).toEqual(first);
    expect(h.log.events(P).length).toBe(eventsBefore);
    expect(keysOf(await h.send(claim('c2')))).toEqual(['signed_curve25519:B']);
  });

  it('a restart after a late write decides on the stored snapshot plus the log: nothing handed out twice', async () => {
    const h = harness();
    await h.send(upload('u1', ['A', 'B', 'C']));
    await h.send(claim('c1'));
    const { release, flushing } = await h.startHeldTimedFlush();
    await h.send(claim('c2'));
    release();
    await flushing;
    await h.store.settled();
    // A new process: empty memory, same store, same log.
    const restarted = new PartitionProcessor(
      new UserStateStore(h.snapshots, h.checkpoints, 1000),
      new BatchDecider(h.log.fenced(), new CollectingOutbox()),
      h.log,
      h.log,
      'e2ee.events',
      { caughtUp: () => undefined, undecodable: () => undefined, flushFailed: () => undefined },
    );
    await restarted.handle(P, [claim('c3')]);
    await restarted.handle(P, [claim('c4')]);
    expect(h.claimedKeys()).toEqual(['signed_curve25519:A', 'signed_curve25519:B', 'signed_curve25519:C']);
  });
});

describe('partition memory', () => {
  it('refuses a state older than the one it holds', async () => {
    const h = harness();
    await h.send(upload('u1', ['A']));
    const memory = h.store.partition(P);
    const [current] = (await memory.load([OWNER])).values();
    expect(() => memory.stage(new Map([[OWNER, { ...current, lastOffset: current.lastOffset - 1 }]]), 0)).toThrow(/would go back/);
  });

  it('a failed write keeps its states staged and saves no checkpoint past them', async () => {
    const h = harness();
    await h.send(upload('u1', ['A']));
    const failing = jest.spyOn(h.snapshots, 'write').mockRejectedValueOnce(new Error('store down'));
    await expect(h.store.flush(P, true)).rejects.toThrow('store down');
    const firstOfOwner = h.log.events(P).findIndex((e) => e.key === OWNER);
    expect(h.checkpoints.saved.get(P) ?? -1).toBeLessThan(firstOfOwner); // at most the fence marker before them
    failing.mockRestore();
    expect(await h.store.flush(P, true)).toBe(true);
    expect(h.snapshots.stored.get(OWNER)!.lastOffset).toBe(h.checkpoints.saved.get(P));
  });

  it('a batch whose write failed after landing is decided again on the log, not on memory: nothing handed out twice', async () => {
    const h = harness();
    await h.send(upload('u1', ['A', 'B']));
    // The broker took the events but the acknowledgement was lost: the processor cannot tell.
    const append = h.log.append.bind(h.log);
    const lost = jest.spyOn(h.log, 'append').mockImplementationOnce(async (partition, events) => {
      await append(partition, events);
      throw new Error('request timed out');
    });
    await expect(h.processor.handle(P, [claim('c1')])).rejects.toThrow('request timed out');
    lost.mockRestore();
    // The redelivered claim is recognised from the log (the processor forgot its memory and caught up).
    expect(keysOf(await h.send(claim('c1')))).toEqual(['signed_curve25519:A']);
    expect(keysOf(await h.send(claim('c2')))).toEqual(['signed_curve25519:B']);
    expect(h.claimedKeys()).toEqual(['signed_curve25519:A', 'signed_curve25519:B']);
  });
});
