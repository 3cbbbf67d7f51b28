import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Db } from 'mongodb';
import { processorGroupOf } from '@app/contracts';
import { BatchConsumer } from '@app/kafka';
import { DeadLetterSink, JsonLogger, KafkaBus, MONGO_DB, MONGO_SETTINGS, MongoSettings, Metrics, retryUntilReady } from '@app/platform';
import { MongoSnapshotStore } from '../state/mongo-snapshot-store';
import { CommandBatchHandler } from './command-batch-handler';
import { commandConsumerOptions } from './command-consumer';
import { PartitionProcessor } from './partition-processor';
import { DeadLetteredCommands } from './poisoned-commands';
import { ProcessorLifecycle } from './processor-lifecycle';
import { PROCESSOR_SETTINGS, ProcessorSettings } from './processor-settings';
import { ProcessorTelemetry } from './processor-telemetry';
import { kafkaMongoPorts, wireProcessor } from './processor-wiring';

/**
 * One owner per partition of e2ee.commands (a consumer group). For each batch: catch up on
 * the partition's events if it was just assigned, decide every command in log order, write
 * the events (acks=all), then the replies, then stage the states (flushed with the checkpoint
 * at most every SNAPSHOT_INTERVAL_MS), then commit. This class is the Nest shell: ports
 * (processor-wiring.ts), one batch (command-batch-handler.ts), the consumer
 * (command-consumer.ts), start and stop (processor-lifecycle.ts), metrics and logs
 * (processor-telemetry.ts).
 */
@Injectable()
export class CommandProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly snapshots: MongoSnapshotStore;
  private readonly processor: PartitionProcessor;
  private readonly telemetry: ProcessorTelemetry;
  private readonly lifecycle = new ProcessorLifecycle();
  private readonly deadLetters: DeadLetterSink;

  constructor(
    private readonly bus: KafkaBus,
    @Inject(MONGO_DB) db: Db,
    @Inject(MONGO_SETTINGS) mongoSettings: MongoSettings,
    @Inject(PROCESSOR_SETTINGS) private readonly processorSettings: ProcessorSettings,
    metrics: Metrics,
    logger: JsonLogger,
  ) {
    const { topics, settings } = bus;
    this.telemetry = new ProcessorTelemetry(metrics, logger);
    const ports = kafkaMongoPorts({ ...bus, db }, topics, {
      partitions: settings.partitions,
      snapshotBuckets: processorSettings.snapshotBuckets,
      bulkChunk: mongoSettings.bulkChunk,
    });
    this.snapshots = ports.snapshots;
    this.deadLetters = { producer: bus.producer, topic: topics.deadLetter, consumerGroup: processorGroupOf(topics), metrics, logger };
    this.processor = wireProcessor({ ...ports, poisoned: new DeadLetteredCommands(topics.commands, this.deadLetters) }, processorSettings, this.telemetry);
  }

  async onApplicationBootstrap(): Promise<void> {
    const log = this.telemetry.notReady;
    await retryUntilReady('kafka topics', () => this.bus.ensureTopology(), log);
    await retryUntilReady('mongodb', () => this.snapshots.ensureIndexes(), log);
    const batches = new CommandBatchHandler(this.processor, this.deadLetters, this.telemetry);
    const options = commandConsumerOptions(this.bus.topics, this.bus.settings.partitions, this.processor, batches.handle, this.telemetry);
    await this.lifecycle.start(this.processor, new BatchConsumer(this.bus.kafka, options), this.processorSettings.snapshotIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.lifecycle.stop();
  }
}
