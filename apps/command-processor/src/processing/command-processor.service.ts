import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Db } from 'mongodb';
import { PROCESSOR_GROUP, RoutedCommand, TopicNames, decodeCommand, processorGroupOf } from '@app/contracts';
import { BatchConsumer, ConsumedBatch, KafkaKeyedProducer, KafkaPartitionReader, KafkaSettings, TopicAdmin } from '@app/kafka';
import { JsonLogger, KAFKA, decodeOrDeadLetter, KAFKA_SETTINGS, MONGO_DB, MONGO_SETTINGS, MongoSettings, Metrics, PRODUCER, TOPICS, TOPIC_ADMIN, ensureTopology, retryUntilReady, withCorrelation } from '@app/platform';
import { UserStateStore } from '../state/user-state.store';
import { MongoPartitionCheckpoints, MongoSnapshotStore } from '../state/mongo-snapshot-store';
import { SlowedSnapshotStore } from '../state/slowed-snapshot-store';
import { PROCESSOR_CHECKPOINT } from '../catch-up/catch-up';
import { FencedEventLog } from '../fencing/fenced-event-log';
import { BatchDecider } from './batch-decider';
import { PartitionProcessor } from './partition-processor';
import { KafkaEventLog, KafkaReplyOutbox } from './kafka-ports';
import { PROCESSOR_SETTINGS, ProcessorSettings } from './processor-settings';

/**
 * One owner per partition of e2ee.commands (a consumer group). For each batch: catch up on
 * the partition's events if it was just assigned, decide every command in log order, write
 * the events (acks=all), then the replies, then stage the states (flushed with the checkpoint
 * at most every SNAPSHOT_INTERVAL_MS), then commit.
 */
@Injectable()
export class CommandProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly snapshots: MongoSnapshotStore;
  private readonly store: UserStateStore;
  private readonly decider: BatchDecider;
  private readonly reader: KafkaPartitionReader;
  private readonly events: KafkaEventLog;
  private processor?: PartitionProcessor;
  private consumer?: BatchConsumer;
  private flushTimer?: NodeJS.Timeout;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(TOPIC_ADMIN) private readonly admin: TopicAdmin,
    @Inject(PRODUCER) private readonly producer: KafkaKeyedProducer,
    @Inject(MONGO_DB) db: Db,
    @Inject(MONGO_SETTINGS) mongoSettings: MongoSettings,
    @Inject(PROCESSOR_SETTINGS) private readonly processorSettings: ProcessorSettings,
    private readonly metrics: Metrics,
    private readonly logger: JsonLogger,
  ) {
    this.snapshots = new MongoSnapshotStore(db, processorSettings.snapshotBuckets, mongoSettings.bulkChunk);
    const delay = processorSettings.snapshotWriteDelayMs;
    this.store = new UserStateStore(
      delay > 0 ? new SlowedSnapshotStore(this.snapshots, delay) : this.snapshots,
      new MongoPartitionCheckpoints(db, PROCESSOR_CHECKPOINT, settings.partitions),
      processorSettings.snapshotIntervalMs,
    );
    this.reader = new KafkaPartitionReader(kafka, admin, processorGroupOf(topics));
    this.events = new KafkaEventLog(producer, topics.events);
    this.decider = new BatchDecider(new FencedEventLog(this.events, this.reader, topics.events), new KafkaReplyOutbox(producer, topics.replies), (decided, reply) => {
      this.metrics.commandsDecided.labels(decided.command.type, reply.outcome.ok ? 'accepted' : reply.outcome.rejection.code).inc();
      this.metrics.toDeviceDropped.inc(decided.events.filter((e) => e.type === 'ToDeviceDropped').length);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const log = (msg: string) => this.logger.write('warn', msg);
    await retryUntilReady('kafka topics', () => ensureTopology(this.admin, this.topics, this.settings.partitions, this.settings.durability), log);
    await retryUntilReady('mongodb', () => this.snapshots.ensureIndexes(), log);
    const group = processorGroupOf(this.topics);
    const processor = new PartitionProcessor(this.store, this.decider, this.reader, this.events, this.topics.events, {
      caughtUp: (partition, folded) => folded > 0 && this.logger.write('info', 'caught up before deciding', { partition, folded }),
      undecodable: (partition, offset, reason) => this.logger.write('error', 'undecodable event skipped during catch-up', { partition, offset, reason }),
      flushFailed: (partition, err) => this.logger.write('warn', 'snapshot flush failed; states stay staged', { partition, err: err.message }),
    });
    this.processor = processor;
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: group,
      topics: [this.topics.commands],
      fromBeginning: true,
      // Deciding is in memory; the partitions' appends and replies share requests (SendCoalescer).
      partitionsConcurrently: this.settings.partitions,
      commits: 'background', // redelivered commands are recognised (processedCommands, recentClaims)
      commitFailed: (err) => this.logger.write('warn', 'offset commit failed; the next one carries it', { err: err.message }),
      onAssignment: (assignment) => {
        processor.reassigned();
        this.logger.write('info', 'partitions assigned', { assignment });
      },
      handle: (batch) => this.handle(batch, processor),
    });
    await this.consumer.start();
    this.flushTimer = setInterval(() => void processor.flushDue(), this.processorSettings.snapshotIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.consumer?.stop();
    await this.processor?.flushAll();
  }

  private async handle(batch: ConsumedBatch, processor: PartitionProcessor): Promise<void> {
    const partition = batch.partition;
    try {
      const group = processorGroupOf(this.topics);
      const deadLetters = { producer: this.producer, topic: this.topics.deadLetter, consumerGroup: group, metrics: this.metrics, logger: this.logger };
      const commands: RoutedCommand[] = await decodeOrDeadLetter(batch.messages, (m) => decodeCommand(m.value), deadLetters);
      await processor.handle(partition, commands);
      if (commands.length > 0) {
        withCorrelation(commands[0].correlationId, () => this.logger.write('debug', 'batch decided', { partition, commands: commands.length }));
      }
      this.metrics.consumerLag
        .labels(PROCESSOR_GROUP, batch.topic, String(partition))
        .set(Number(BigInt(batch.highWatermark) - BigInt(batch.messages[batch.messages.length - 1].offset) - 1n));
    } catch (err) {
      processor.forget(partition);
      this.logger.write('error', 'command batch failed; will be retried', { partition, err: (err as Error).message });
      throw err;
    }
  }
}
