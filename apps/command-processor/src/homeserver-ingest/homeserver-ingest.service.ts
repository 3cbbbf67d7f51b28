import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { decodeHomeserverEvent, encodeMessage } from '@app/contracts';
import { isUserId } from '@app/matrix';
import { BatchConsumer, ConsumedBatch } from '@app/kafka';
import { JsonLogger, KafkaBus, Metrics, decodeOrDeadLetter, retryUntilReady } from '@app/platform';
import { homeserverEventToCommand } from '@app/domain';

export const HS_INGEST_GROUP = 'e2ee.hs-ingest';

/**
 * Reads hs.events and turns each homeserver event into a command on e2ee.commands, keyed by
 * user: the partition owner decides it like any other command (one writer per user).
 */
@Injectable()
export class HomeserverIngestService implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: BatchConsumer;

  constructor(
    private readonly bus: KafkaBus,
    private readonly metrics: Metrics,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await retryUntilReady(
      'kafka topics',
      () => this.bus.ensureTopology(),
      (m) => this.logger.write('warn', m),
    );
    const group = `${this.bus.topics.prefix}${HS_INGEST_GROUP}`;
    this.consumer = new BatchConsumer(this.bus.kafka, {
      groupId: group,
      topics: [this.bus.topics.homeserver],
      fromBeginning: true,
      partitionsConcurrently: this.bus.settings.partitionsConcurrently,
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
      { producer: this.bus.producer, topic: this.bus.topics.deadLetter, consumerGroup: group, metrics: this.metrics, logger: this.logger },
    );
    await this.bus.producer.send(commands.map((c) => ({ topic: this.bus.topics.commands, key: c.key, value: encodeMessage(c), headers: { type: c.type } })));
  }
}
