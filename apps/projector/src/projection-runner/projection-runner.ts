import { Kafka } from 'kafkajs';
import { Db } from 'mongodb';
import { RecordedEvent, TopicNames, decodeEvent } from '@app/contracts';
import { BatchConsumer, ConsumedBatch, KafkaSettings, MessageProducer } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { JsonLogger, Metrics, decodeOrDeadLetter } from '@app/platform';
import { AnyProjection, ProjectionBuckets, checkpointOwner, isCustomProjection, projectEvents, projectorGroup } from '@app/read-models';
import { ProjectorSettings } from '../projector-settings';
import { DeferredCheckpoints } from './deferred-checkpoints';

/**
 * Keeps one collection version of one projection up to date from e2ee.events. The checkpoint
 * is saved in MongoDB after the documents, and Kafka offsets are committed after that.
 */
export class ProjectionRunner {
  private consumer?: BatchConsumer;
  private buckets?: ProjectionBuckets;
  private readonly checkpoints: CheckpointStore;
  private readonly deferred: DeferredCheckpoints;
  private readonly handles: ReadonlySet<string>;

  constructor(
    private readonly kafka: Kafka,
    private readonly db: Db,
    private readonly producer: MessageProducer,
    private readonly topics: TopicNames,
    private readonly projection: AnyProjection,
    readonly version: number,
    private readonly kafkaSettings: KafkaSettings,
    private readonly settings: ProjectorSettings,
    private readonly metrics: Metrics,
    private readonly logger: JsonLogger,
  ) {
    this.checkpoints = new CheckpointStore(db, kafkaSettings.partitions);
    this.handles = new Set<string>(projection.handles);
    this.deferred = new DeferredCheckpoints(
      (partition, offset) => this.checkpoints.save(checkpointOwner(projection.name, version), partition, offset),
      (err) => logger.write('warn', 'deferred checkpoint not saved; tried again', { projection: projection.name, err: err.message }),
    );
  }

  async start(): Promise<void> {
    this.buckets = await ProjectionBuckets.forWriting(this.db, this.projection.name, this.version, isCustomProjection(this.projection) ? 1 : this.settings.projection.buckets);
    await this.buckets.createIndexes(this.projection.indexes);
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: `${this.topics.prefix}${projectorGroup(this.projection.name, this.version)}`,
      topics: [this.topics.events],
      fromBeginning: true,
      partitionsConcurrently: this.kafkaSettings.partitionsConcurrently,
      commits: 'background', // writes are position-guarded: a redelivered batch changes nothing
      commitFailed: (err) => this.logger.write('warn', 'offset commit failed; the next one carries it', { projection: this.projection.name, err: err.message }),
      handle: (batch) => this.handle(batch),
    });
    await this.consumer.start();
    this.logger.write('info', 'projection running', { projection: this.projection.name, version: this.version });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    await this.deferred.flush();
  }

  private async handle(batch: ConsumedBatch): Promise<void> {
    // Events whose type header says another projection's are not even decoded (six projections
    // read every event); one without the header is decoded, and dead-lettered if unreadable.
    const mine = batch.messages.filter((m) => m.headers.type === undefined || this.handles.has(m.headers.type));
    const recorded: RecordedEvent[] = await decodeOrDeadLetter(
      mine,
      (m) => ({ event: decodeEvent(m.value), partition: m.partition, offset: m.offset }),
      {
        producer: this.producer,
        topic: this.topics.deadLetter,
        consumerGroup: `${this.topics.prefix}${projectorGroup(this.projection.name, this.version)}`,
        metrics: this.metrics,
        logger: this.logger,
      },
    );
    const applied = await projectEvents(this.buckets!, this.projection, recorded, { db: this.db, version: this.version, live: true, tuning: this.settings.tuning });
    const last = batch.messages[batch.messages.length - 1].offset;
    if (recorded.some((r) => this.handles.has(r.event.type))) {
      await this.checkpoints.save(checkpointOwner(this.projection.name, this.version), batch.partition, last);
      this.deferred.saved(batch.partition, last);
    } else {
      this.deferred.skipped(batch.partition, last); // deferred-checkpoints.ts
    }
    this.metrics.eventsApplied.labels(this.projection.name).inc(applied);
    this.metrics.consumerLag
      .labels(projectorGroup(this.projection.name, this.version), batch.topic, String(batch.partition))
      .set(Number(BigInt(batch.highWatermark) - BigInt(last) - 1n));
  }
}
