import { ConsumedMessage } from './batch-consumer';
import { MessageProducer } from './keyed-producer';

/** What failed on a message: it could not be decoded, a command's decide or a projection's evolve threw. */
export type DeadLetterSource = 'decode' | 'decide' | 'evolve';

/** Why a message is set aside; `at` is the stack frame that threw, when there is one. */
export interface DeadLetterReason {
  readonly source: DeadLetterSource;
  readonly reason: string;
  readonly consumerGroup: string;
  readonly at?: string;
  /** More headers for an operator (e.g. the command id, the projection). */
  readonly details?: Record<string, string>;
}

/**
 * Moves a message that cannot be handled to the dead-letter topic, with where it came from and
 * why, so that the partition keeps moving and an operator can inspect or re-drive it. An offset
 * of '' means unknown (a decoded command no longer carries its offset): the header is left out.
 */
export async function deadLetter(producer: MessageProducer, topic: string, message: ConsumedMessage, why: DeadLetterReason): Promise<void> {
  const headers: Record<string, string> = {
    ...why.details,
    'x-dead-letter-reason': why.reason.slice(0, 1000),
    'x-dead-letter-source': why.source,
    'x-source-topic': message.topic,
    'x-source-partition': String(message.partition),
    // Each consumer group that cannot handle a message records it once, for its own re-drive.
    'x-consumer-group': why.consumerGroup,
  };
  if (message.offset !== '') headers['x-source-offset'] = message.offset;
  if (why.at) headers['x-dead-letter-at'] = why.at.slice(0, 500);
  await producer.send([{ topic, key: message.key ?? '', value: message.value ?? Buffer.alloc(0), partition: 0, headers }]);
}
