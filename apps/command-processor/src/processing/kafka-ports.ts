import { CommandReply, DomainEvent, encodeMessage } from '@app/contracts';
import { KafkaKeyedProducer } from '@app/kafka';
import { RawEventLog } from '../fencing/fenced-event-log';
import { ReplyOutbox } from './batch-decider';

/** The producer's side of e2ee.events; the processor appends decided events through FencedEventLog around it. */
export class KafkaEventLog implements RawEventLog {
  constructor(
    private readonly producer: KafkaKeyedProducer,
    private readonly topic: string,
  ) {}

  async append(partition: number, events: readonly DomainEvent[]): Promise<readonly number[]> {
    if (events.length === 0) return [];
    const positions = await this.producer.send(
      events.map((e) => ({ topic: this.topic, key: e.key, value: encodeMessage(e), partition, headers: { type: e.type } })),
    );
    return positions.map((p) => {
      if (p.offset === null) throw new Error('broker returned no offset for an acknowledged event');
      return Number(p.offset);
    });
  }
}

export class KafkaReplyOutbox implements ReplyOutbox {
  constructor(
    private readonly producer: KafkaKeyedProducer,
    private readonly topic: string,
  ) {}

  async send(replies: readonly CommandReply[]): Promise<void> {
    if (replies.length === 0) return;
    await this.producer.send(replies.map((r) => ({ topic: this.topic, key: r.replyTo, value: encodeMessage(r) })));
  }
}
