import { Kafka } from 'kafkajs';
import { Db } from 'mongodb';
import { TopicNames, processorGroupOf } from '@app/contracts';
import { KafkaKeyedProducer, KafkaPartitionReader, PartitionReader, TopicAdmin } from '@app/kafka';
import { PROCESSOR_CHECKPOINT } from '../catch-up/catch-up';
import { FencedEventLog, RawEventLog } from '../fencing/fenced-event-log';
import { MongoPartitionCheckpoints, MongoSnapshotStore } from '../state/mongo-snapshot-store';
import { PartitionCheckpoints, SnapshotStore } from '../state/ports';
import { SlowedSnapshotStore } from '../state/slowed-snapshot-store';
import { UserStateStore } from '../state/user-state.store';
import { BatchDecider, ReplyOutbox } from './batch-decider';
import { KafkaEventLog, KafkaReplyOutbox } from './kafka-ports';
import { PartitionProcessor } from './partition-processor';
import { PoisonedCommands } from './poisoned-commands';
import { ProcessorSettings } from './processor-settings';
import { ProcessorTelemetry } from './processor-telemetry';

/** The processor's ports: Kafka and MongoDB in production, in-memory fakes in tests (src/testing/). */
export interface ProcessorPorts {
  readonly snapshots: SnapshotStore;
  readonly checkpoints: PartitionCheckpoints;
  /** e2ee.events as appended to: catch-up's markers raw, decided events through a FencedEventLog around it. */
  readonly events: RawEventLog;
  readonly reader: PartitionReader;
  readonly outbox: ReplyOutbox;
  readonly eventsTopic: string;
  /** Where a command whose decide throws is set aside (e2ee.deadletter); without it the batch fails and is retried. */
  readonly poisoned?: PoisonedCommands;
}

/** The partition processor over any ports: the snapshot store slowed when SNAPSHOT_WRITE_DELAY_MS asks for it. */
export function wireProcessor(
  ports: ProcessorPorts,
  settings: Pick<ProcessorSettings, 'snapshotIntervalMs' | 'snapshotWriteDelayMs'>,
  telemetry: Pick<ProcessorTelemetry, 'decided' | 'partitions'>,
): PartitionProcessor {
  const delay = settings.snapshotWriteDelayMs;
  const store = new UserStateStore(
    delay > 0 ? new SlowedSnapshotStore(ports.snapshots, delay) : ports.snapshots,
    ports.checkpoints,
    settings.snapshotIntervalMs,
  );
  const decider = new BatchDecider(new FencedEventLog(ports.events, ports.reader, ports.eventsTopic), ports.outbox, telemetry.decided, ports.poisoned);
  return new PartitionProcessor(store, decider, ports.reader, ports.events, ports.eventsTopic, telemetry.partitions);
}

/** The production ports; the snapshot store is returned as itself, for its indexes at start. */
export function kafkaMongoPorts(
  clients: { kafka: Kafka; admin: TopicAdmin; producer: KafkaKeyedProducer; db: Db },
  topics: TopicNames,
  sizes: { partitions: number; snapshotBuckets: number; bulkChunk: number },
): ProcessorPorts & { readonly snapshots: MongoSnapshotStore } {
  const { kafka, admin, producer, db } = clients;
  return {
    snapshots: new MongoSnapshotStore(db, sizes.snapshotBuckets, sizes.bulkChunk),
    checkpoints: new MongoPartitionCheckpoints(db, PROCESSOR_CHECKPOINT, sizes.partitions),
    events: new KafkaEventLog(producer, topics.events),
    reader: new KafkaPartitionReader(kafka, admin, processorGroupOf(topics)),
    outbox: new KafkaReplyOutbox(producer, topics.replies),
    eventsTopic: topics.events,
  };
}
