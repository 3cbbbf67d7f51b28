import { HomeserverEvent, TopicNames } from '@app/contracts';
import { MessageProducer } from '@app/kafka';
import { DeviceEventSink } from './device-events';

/** hs.events, keyed by user id, exactly as a homeserver bridge publishes them (README, "Homeserver ingest"). */
export class KafkaDeviceEventSink implements DeviceEventSink {
  constructor(
    private readonly producer: MessageProducer,
    private readonly topics: TopicNames,
  ) {}

  async publish(events: readonly HomeserverEvent[]): Promise<void> {
    await this.producer.send(
      events.map((e) => ({ topic: this.topics.homeserver, key: 'user_id' in e ? e.user_id : e.room_id, value: Buffer.from(JSON.stringify(e)) })),
    );
  }
}
