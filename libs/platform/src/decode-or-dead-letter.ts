import { ConsumedMessage, DeadLetterSource, MessageProducer, deadLetter } from '@app/kafka';
import { JsonLogger } from './json-logger';
import { Metrics } from './metrics';

export interface DeadLetterSink {
  readonly producer: MessageProducer;
  readonly topic: string;
  readonly consumerGroup: string;
  readonly metrics: Metrics;
  readonly logger: JsonLogger;
}

/**
 * Decodes a batch; a message that cannot be decoded is written to the dead-letter topic (with the
 * reason and the consumer group), counted and logged, and the rest of the batch goes on.
 */
export async function decodeOrDeadLetter<T>(messages: readonly ConsumedMessage[], decode: (message: ConsumedMessage) => T, sink: DeadLetterSink): Promise<T[]> {
  const decoded: T[] = [];
  for (const message of messages) {
    try {
      decoded.push(decode(message));
    } catch (err) {
      await deadLetterMessage(message, 'decode', err, sink);
    }
  }
  return decoded;
}

/**
 * Sets one message aside: written to the dead-letter topic (reason, the frame that threw, the
 * group, and `details` as headers), counted by source and logged as an error. A failed write
 * throws: the caller's batch is then retried, as for any I/O failure.
 */
export async function deadLetterMessage(
  message: ConsumedMessage,
  source: DeadLetterSource,
  err: unknown,
  sink: DeadLetterSink,
  details: Record<string, string> = {},
): Promise<void> {
  const reason = err instanceof Error ? err.message : String(err);
  const at = thrownAt(err);
  await deadLetter(sink.producer, sink.topic, message, { source, reason, at, consumerGroup: sink.consumerGroup, details });
  sink.metrics.deadLettered.labels(message.topic, source).inc();
  const what = source === 'decode' ? 'undecodable message dead-lettered' : `message dead-lettered: ${source} threw`;
  sink.logger.write('error', what, {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    group: sink.consumerGroup,
    reason,
    at,
    ...details,
  });
}

/** The first stack frame (`at f (file:line:col)`): where it threw, without the whole stack. */
export function thrownAt(err: unknown): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  return stack
    ?.split('\n')
    .find((line) => line.trim().startsWith('at '))
    ?.trim();
}
