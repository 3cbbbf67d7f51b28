import { initialUserKeysState } from '@app/domain';
import { HeldSnapshotStore } from '../testing/in-memory-ports';
import { PartitionMemories } from './partition-memories';

const state = (lastOffset: number) => ({ state: initialUserKeysState(), lastOffset });

describe('PartitionMemories', () => {
  it('hands out one live memory per partition, and a fresh detached-from-the-old one after eviction', () => {
    const memories = new PartitionMemories(new HeldSnapshotStore());
    const old = memories.of(0);
    expect(memories.of(0)).toBe(old);
    expect(memories.of(1)).not.toBe(old);
    memories.evict(0);
    expect(old.detached).toBe(true);
    expect(memories.existing(0)).toBeUndefined();
    const fresh = memories.of(0);
    expect(fresh).not.toBe(old);
    expect(fresh.detached).toBe(false);
  });

  it('cannot be reached through the old object: a late stage into it leaves the new memory alone', () => {
    const memories = new PartitionMemories(new HeldSnapshotStore());
    const old = memories.of(0);
    memories.evict(0);
    old.stage(new Map([['@a', state(5)]]), 5); // e.g. a batch still running on the evicted memory
    expect(memories.of(0).stagedCount).toBe(0);
    expect(memories.withStagedWork()).toEqual([]);
  });

  it('lists the partitions with staged states, and evicts them all', () => {
    const memories = new PartitionMemories(new HeldSnapshotStore());
    memories.of(0).stage(new Map([['@a', state(1)]]), 1);
    memories.of(1);
    memories.of(2).stage(new Map([['@b', state(2)]]), 2);
    expect(memories.withStagedWork()).toEqual([0, 2]);
    const all = [memories.of(0), memories.of(1), memories.of(2)];
    memories.evictAll();
    expect(all.every((m) => m.detached)).toBe(true);
    expect(memories.withStagedWork()).toEqual([]);
  });
});
