import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Db } from 'mongodb';
import { RoutedCommand, TopicNames, decodeCommand, encodeMessage } from '@app/contracts';
import { decideBatch, initialUserKeysState, UserKeysState } from '@app/domain';
import { BatchConsumer, ConsumedBatch, KafkaKeyedProducer, KafkaPartitionReader, KafkaSettings, TopicAdmin, partitionForKey } from '@app/kafka';
import { CheckpointStore } from '@app/mongo';
import { JsonLogger, KAFKA, decodeOrDeadLetter, KAFKA_SETTINGS, MONGO_DB, Metrics, PRODUCER, TOPICS, TOPIC_ADMIN, ensureTopology, retryUntilReady, withCorrelation } from '@app/platform';
import { UserSnapshot, UserStateStore } from '../state/user-state.store';
import { PROCESSOR_CHECKPOINT, catchUpPartition } from '../catch-up/catch-up';

export const PROCESSOR_GROUP = 'e2ee.command-processor';

/**
 * One owner per partition of e2ee.commands (a consumer group). For each batch: catch up on
 * the partition's events if it was just assigned, decide every command in log order, write
 * the events (acks=all), then the replies, then the snapshots and checkpoint, then commit.
 */
@Injectable()
export class CommandProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly store: UserStateStore;
  private readonly checkpoints: CheckpointStore;
  private readonly caughtUp = new Set<number>();
  private consumer?: BatchConsumer;
  private flushTimer?: NodeJS.Timeout;
  private readonly snapshotIntervalMs = Number(process.env.SNAPSHOT_INTERVAL_MS ?? 1000);

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(TOPIC_ADMIN) private readonly admin: TopicAdmin,
    @Inject(PRODUCER) private readonly producer: KafkaKeyedProducer,
    @Inject(MONGO_DB) db: Db,
    private readonly metrics: Metrics,
    private readonly logger: JsonLogger,
  ) {
    this.store = new UserStateStore(db, Number(process.env.SNAPSHOT_BUCKETS ?? 32));
    this.checkpoints = new CheckpointStore(db);
  }

  async onApplicationBootstrap(): Promise<void> {
    const log = (msg: string) => this.logger.write('warn', msg);
    await retryUntilReady('kafka topics', () => ensureTopology(this.admin, this.topics, this.settings.partitions), log);
    await retryUntilReady('mongodb', () => this.store.ensureIndexes(), log);
    const group = `${this.topics.prefix}${PROCESSOR_GROUP}`;
    const reader = new KafkaPartitionReader(this.kafka, this.admin, group);
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: group,
      topics: [this.topics.commands],
      fromBeginning: true,
      onAssignment: (assignment) => {
        // A new generation: another member may have decided on these partitions meanwhile.
        this.caughtUp.clear();
        this.store.evict(() => true);
        this.logger.write('info', 'partitions assigned', { assignment });
      },
      handle: (batch) => this.handle(batch, reader),
    });
    await this.consumer.start();
    // Quiet partitions get their staged snapshots written too.
    this.flushTimer = setInterval(() => {
      for (const partition of this.store.partitionsWithStagedWork()) void this.flush(partition, false).catch(() => undefined);
    }, this.snapshotIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.consumer?.stop();
    for (const partition of this.store.partitionsWithStagedWork()) await this.flush(partition, true).catch(() => undefined);
  }

  /** Snapshots are written at most every SNAPSHOT_INTERVAL_MS per partition, not per batch. */
  private flush(partition: number, force: boolean): Promise<boolean> {
    return this.store.flushDue(partition, (offset) => this.checkpoints.save(PROCESSOR_CHECKPOINT, partition, String(offset)), this.snapshotIntervalMs, force);
  }

  private async handle(batch: ConsumedBatch, reader: KafkaPartitionReader): Promise<void> {
    const partition = batch.partition;
    try {
      if (!this.caughtUp.has(partition)) {
        const folded = await catchUpPartition(this.topics.events, partition, reader, this.store, this.checkpoints, (offset, reason) =>
          this.logger.write('error', 'undecodable event skipped during catch-up', { partition, offset, reason }),
        );
        this.caughtUp.add(partition);
        if (folded > 0) this.logger.write('info', 'caught up before deciding', { partition, folded });
      }
      await this.decideAndWrite(batch);
      this.metrics.consumerLag
        .labels(PROCESSOR_GROUP, batch.topic, String(partition))
        .set(Number(BigInt(batch.highWatermark) - BigInt(batch.messages[batch.messages.length - 1].offset) - 1n));
    } catch (err) {
      // Whatever was half done is in the log or nowhere: forget memory, catch up again on retry.
      this.caughtUp.delete(partition);
      this.store.evict((userId) => partitionForKey(userId, this.settings.partitions) === partition);
      this.logger.write('error', 'command batch failed; will be retried', { partition, err: (err as Error).message });
      throw err;
    }
  }

  private deadLetters(consumerGroup: string) {
    return { producer: this.producer, topic: this.topics.deadLetter, consumerGroup, metrics: this.metrics, logger: this.logger };
  }

  private async decideAndWrite(batch: ConsumedBatch): Promise<void> {
    const commands: RoutedCommand[] = await decodeOrDeadLetter(batch.messages, (m) => decodeCommand(m.value), this.deadLetters(`${this.topics.prefix}${PROCESSOR_GROUP}`));
    if (commands.length === 0) return;

    const snapshots = await this.store.load(commands.map((c) => c.key));
    const states = new Map<string, UserKeysState>([...snapshots].map(([id, s]) => [id, s.state]));
    const { decided, states: next } = decideBatch(commands, states, initialUserKeysState);

    const events = decided.flatMap((d) => d.events);
    const positions = await this.producer.send(
      events.map((e) => ({ topic: this.topics.events, key: e.key, value: encodeMessage(e), partition: batch.partition, headers: { type: e.type } })),
    );
    const lastOffsetOf = new Map<string, number>();
    const eventOffset = new Map<string, string>();
    events.forEach((e, i) => {
      const offset = positions[i].offset;
      if (offset === null) throw new Error('broker returned no offset for an acknowledged event');
      lastOffsetOf.set(e.key, Number(offset));
      eventOffset.set(e.id, offset);
    });

    const replies = decided.map((d) => {
      const last = d.events[d.events.length - 1];
      const outcome =
        d.reply.outcome.ok && last ? { ...d.reply.outcome, lastPosition: { partition: batch.partition, offset: eventOffset.get(last.id)! } } : d.reply.outcome;
      this.metrics.commandsDecided.labels(d.command.type, outcome.ok ? 'accepted' : outcome.rejection.code).inc();
      this.metrics.toDeviceDropped.inc(d.events.filter((e) => e.type === 'ToDeviceDropped').length);
      return { ...d.reply, outcome };
    });
    const awaited = replies.filter((r) => r.replyTo !== ''); // homeserver ingest: nobody waits
    await this.producer.send(awaited.map((r) => ({ topic: this.topics.replies, key: r.replyTo, value: encodeMessage(r) })));

    const changed = new Map<string, UserSnapshot>();
    for (const [userId, lastOffset] of lastOffsetOf) changed.set(userId, { state: next.get(userId)!, lastOffset });
    this.store.stage(batch.partition, changed);
    await this.flush(batch.partition, false);
    withCorrelation(commands[0].correlationId, () =>
      this.logger.write('debug', 'batch decided', { partition: batch.partition, commands: commands.length, events: events.length }),
    );
  }
}
