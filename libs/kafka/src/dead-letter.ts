import { ConsumedMessage } from './batch-consumer';
import { MessageProducer } from './keyed-producer';

/**
 * Moves an undecodable message to the dead-letter topic, with where it came from and why,
 * so that the partition keeps moving and an operator can inspect or re-drive it.
 */
export async function deadLetter(producer: MessageProducer, topic: string, message: ConsumedMessage, reason: string, consumerGroup: string): Promise<void> {
  await producer.send([
    {
      topic,
      key: message.key ?? '',
      value: message.value ?? Buffer.alloc(0),
      partition: 0,
      headers: {
        'x-dead-letter-reason': reason.slice(0, 1000),
        'x-source-topic': message.topic,
        'x-source-partition': String(message.partition),
        'x-source-offset': message.offset,
        // Each consumer group that cannot read a message records it once, for its own re-drive.
        'x-consumer-group': consumerGroup,
      },
    },
  ]);
}
