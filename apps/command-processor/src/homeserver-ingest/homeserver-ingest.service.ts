import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { TopicNames, decodeHomeserverEvent, encodeMessage, homeserverEventToCommand } from '@app/contracts';
import { isUserId } from '@app/matrix';
import { BatchConsumer, ConsumedBatch, KafkaKeyedProducer, KafkaSettings, TopicAdmin } from '@app/kafka';
import { JsonLogger, KAFKA, decodeOrDeadLetter, KAFKA_SETTINGS, Metrics, PRODUCER, TOPICS, TOPIC_ADMIN, ensureTopology, retryUntilReady } from '@app/platform';

export const HS_INGEST_GROUP = 'e2ee.hs-ingest';

/**
 * Reads hs.events and turns each homeserver event into a command on e2ee.commands, keyed by
 * user: the partition owner decides it like any other command (one writer per user).
 */
@Injectable()
export class HomeserverIngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: BatchConsumer;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_SETTINGS) private readonly settings: KafkaSettings,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(TOPIC_ADMIN) private readonly admin: TopicAdmin,
    @Inject(PRODUCER) private readonly producer: KafkaKeyedProducer,
    private readonly metrics: Metrics,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await retryUntilReady(
      'kafka topics',
      () => ensureTopology(this.admin, this.topics, this.settings.partitions, this.settings.durability),
      (m) => this.logger.write('warn', m),
    );
    const group = `${this.topics.prefix}${HS_INGEST_GROUP}`;
    this.consumer = new BatchConsumer(this.kafka, {
      groupId: group,
      topics: [this.topics.homeserver],
      fromBeginning: true,
      partitionsConcurrently: this.settings.partitionsConcurrently,
      handle: (batch) => this.handle(batch, group),
    });
    await this.consumer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(batch: ConsumedBatch, group: string): Promise<void> {
    const commands = await decodeOrDeadLetter(
      batch.messages,
      (message) => {
        const event = decodeHomeserverEvent(message.value);
        if (event.type !== 'room.encryption' && !isUserId(event.user_id)) throw new Error(`not a user id: ${event.user_id}`);
        return homeserverEventToCommand(event, `hs:${event.id}`);
      },
      { producer: this.producer, topic: this.topics.deadLetter, consumerGroup: group, metrics: this.metrics, logger: this.logger },
    );
    await this.producer.send(commands.map((c) => ({ topic: this.topics.commands, key: c.key, value: encodeMessage(c), headers: { type: c.type } })));
  }
}
