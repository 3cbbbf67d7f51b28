import { CommandReply, DomainEvent } from '@app/contracts';
import { ConsumedMessage, PartitionReader } from '@app/kafka';
import { RawEventLog } from '../fencing/fenced-event-log';
import { ReplyOutbox } from '../processing/batch-decider';
import type { ProcessorPorts } from '../processing/processor-wiring';
import { PartitionCheckpoints, SnapshotStore, UserSnapshot } from '../state/ports';
import { HeldOperations } from './held-operations';
import { ReplyLedger } from './reply-ledger';
import { SeededRandom } from './seeded-random';
import { SimulatedEventLog } from './simulated-log';
import { SimulatedStore } from './simulated-store';

/** The durable things every simulated process shares: the broker's topics and the store. */
export interface SharedInfrastructure {
  readonly held: HeldOperations;
  readonly rng: SeededRandom;
  readonly log: SimulatedEventLog;
  readonly store: SimulatedStore;
  readonly replies: ReplyLedger;
}

/** The production ports but the topic name and the dead-letter topic, which the simulation has no use for. */
export type SimulatedPorts = Pick<ProcessorPorts, 'snapshots' | 'checkpoints' | 'events' | 'reader' | 'outbox'>;

/** The processor's own ports for one simulated process: every call waits for the scheduler. */
export function simulatedProcessorPorts(owner: string, shared: SharedInfrastructure): SimulatedPorts {
  const { held, rng, log, store, replies } = shared;
  const snapshots: SnapshotStore = {
    load: (userIds) => held.hold(owner, 'snapshot.load', null, () => store.load(userIds)),
    write: (partition: number, states: ReadonlyMap<string, UserSnapshot>) => {
      const docs = SimulatedStore.serialise(partition, states);
      return held.hold(owner, 'snapshot.write', partition, () => store.write(partition, docs));
    },
  };
  const checkpoints: PartitionCheckpoints = {
    load: (partition) => held.hold(owner, 'checkpoint.load', partition, () => store.checkpointOf(partition)),
    save: (partition, offset, fence) => held.hold(owner, 'checkpoint.save', partition, () => store.saveCheckpoint(partition, offset, fence)),
  };
  const events: RawEventLog = {
    // As KafkaEventLog: nothing to send is no request.
    append: (partition: number, batch: readonly DomainEvent[]) =>
      batch.length === 0 ? Promise.resolve([]) : held.hold(owner, 'log.append', partition, () => log.append(partition, batch)),
  };
  const outbox: ReplyOutbox = {
    send: (batch: readonly CommandReply[]) => (batch.length === 0 ? Promise.resolve() : held.hold(owner, 'reply.send', null, () => replies.deliver(batch))),
  };
  const reader: PartitionReader = {
    // Up to the end as it was when asked, in fetches of a few messages (KafkaPartitionReader's contract).
    async read(topic: string, partition: number, fromOffset: string, onMessages: (messages: ConsumedMessage[]) => Promise<void>): Promise<void> {
      const end = await held.hold(owner, 'log.end', partition, () => log.end(partition));
      let next = Number(fromOffset);
      while (next < end) {
        const from = next;
        const to = Math.min(end, from + rng.int(1, 4));
        const fetched = await held.hold(owner, 'log.fetch', partition, () =>
          log.slice(partition, from, to).map((value, i): ConsumedMessage => ({ topic, partition, offset: String(from + i), key: null, value, headers: {} })),
        );
        next = to;
        await onMessages(fetched);
      }
    },
    readRange: () => Promise.reject(new Error('the processor reads one partition at a time')),
  };
  return { snapshots, checkpoints, events, reader, outbox };
}
