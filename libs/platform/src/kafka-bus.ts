import { Kafka } from 'kafkajs';
import { TopicNames } from '@app/contracts';
import { KafkaKeyedProducer, KafkaSettings, TopicAdmin } from '@app/kafka';
import { ensureTopology } from './topology';

/** One service's Kafka: the client, its settings, the topic names, the admin and the shared producer, injected as one. */
export class KafkaBus {
  constructor(
    readonly kafka: Kafka,
    readonly settings: KafkaSettings,
    readonly topics: TopicNames,
    readonly admin: TopicAdmin,
    readonly producer: KafkaKeyedProducer,
  ) {}

  /** Creates the topics this service uses with the configured durability (once per start; idempotent). */
  ensureTopology(): Promise<void> {
    return ensureTopology(this.admin, this.topics, this.settings.partitions, this.settings.durability);
  }
}
