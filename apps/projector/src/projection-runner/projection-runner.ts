import { Kafka } from 'kafkajs';
import { Db } from 'mongodb';
import { RecordedEvent, TopicNames, decodeEvent, encodeFencePosition } from '@app/contracts';
import { BatchConsumer, ConsumedBatch, KafkaSettings, MessageProducer } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { DeadLetterSink, JsonLogger, Metrics, decodeOrDeadLetter } from '@app/platform';
import { AnyProjection, ProjectionBuckets, checkpointOwner, isCustomProjection, projectEvents, projectorGroup } from '@app/read-models';
import { ProjectorSettings } from '../projector-settings';
import { DeferredCheckpoints } from './deferred-checkpoints';
import { applySettingPoisonAside } from './poisoned-batch';
import { ProjectorFences } from './projector-fences';

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
  private readonly deadLetters: DeadLetterSink;
  private readonly fences: ProjectorFences;

  constructor(
    private readonly kafka: Kafka,
    private readonly db: Db,
    producer: MessageProducer,
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
    const consumerGroup = `${topics.prefix}${projectorGroup(projection.name, version)}`;
    this.deadLetters = { producer, topic: topics.deadLetter, consumerGroup, metrics, logger };
    this.fences = new ProjectorFences(async (partition) => (await this.checkpoints.loadEntry(checkpointOwner(projection.name, version), partition))?.fence);
    this.deferred = new DeferredCheckpoints(
      (partition, offset) => this.checkpoints.save(checkpointOwner(projection.name, version), partition, offset),
      (err) => logger.write('warn', 'deferred checkpoint not saved; tried again', { projection: projection.name, err: err.message }),
    );
  }

  async start(): Promise<void> {
    this.buckets = await ProjectionBuckets.forWriting(
      this.db,
      this.projection.name,
      this.version,
      isCustomProjection(this.projection) ? 1 : this.settings.projection.buckets,
    );
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
    // read every event); fence markers always are; one without the header is decoded, and
    // dead-lettered if unreadable.
    const mine = batch.messages.filter((m) => m.headers.type === undefined || m.headers.type === 'WriterStarted' || this.handles.has(m.headers.type));
    const decoded: RecordedEvent[] = await decodeOrDeadLetter(
      mine,
      (m) => ({ event: decodeEvent(m.value), partition: m.partition, offset: m.offset }),
      this.deadLetters,
    );
    // Only the events that stand (writer-fence.ts): a fenced writer's are void for every reader.
    const fence = await this.fences.forBatch(batch.partition, batch.messages[0].offset);
    const recorded = decoded.filter((r) => fence.admit(r.event, Number(r.offset)) && r.event.type !== 'WriterStarted');
    const movesFence = decoded.some((r) => r.event.type === 'WriterStarted');
    // An event the projection's pure code throws on is skipped and dead-lettered; a store failure retries the batch.
    const context = { db: this.db, version: this.version, live: true, tuning: this.settings.tuning };
    const applied = await applySettingPoisonAside(
      (poisoned) => projectEvents(this.buckets!, this.projection, recorded, { ...context, poisoned }),
      mine,
      this.projection.name,
      this.deadLetters,
    );
    const last = batch.messages[batch.messages.length - 1].offset;
    // A batch with a marker saves its checkpoint (and fence position) now, never deferred:
    // projector-fences.ts relies on it. Void events count too, for the read barrier's sake.
    if (movesFence || decoded.some((r) => this.handles.has(r.event.type))) {
      const position = fence.current ? encodeFencePosition(fence.current) : undefined;
      await this.checkpoints.save(checkpointOwner(this.projection.name, this.version), batch.partition, last, position);
      this.deferred.saved(batch.partition, last);
    } else {
      this.deferred.skipped(batch.partition, last); // deferred-checkpoints.ts
    }
    this.fences.applied(batch.partition, fence, last);
    this.metrics.eventsApplied.labels(this.projection.name).inc(applied);
    this.metrics.consumerLag
      .labels(projectorGroup(this.projection.name, this.version), batch.topic, String(batch.partition))
      .set(Number(BigInt(batch.highWatermark) - BigInt(last) - 1n));
  }
}
