import { ConsumedMessage, MessageProducer, deadLetter } from '@app/kafka';
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
      const reason = (err as Error).message;
      await deadLetter(sink.producer, sink.topic, message, reason, sink.consumerGroup);
      sink.metrics.deadLettered.labels(message.topic).inc();
      sink.logger.write('error', 'undecodable message dead-lettered', { topic: message.topic, offset: message.offset, group: sink.consumerGroup, reason });
    }
  }
  return decoded;
}
