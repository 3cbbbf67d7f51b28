import { RoutedCommand, decodeCommand } from '@app/contracts';
import { ConsumedBatch } from '@app/kafka';
import { DeadLetterSink, decodeOrDeadLetter } from '@app/platform';
import { PartitionProcessor } from './partition-processor';
import { ProcessorTelemetry } from './processor-telemetry';

/**
 * One consumed batch of e2ee.commands: undecodable messages to the dead-letter topic, the rest to
 * the partition processor. A failure fails the batch, which the consumer then redelivers. Memory is
 * the processor's to forget: it does so when a batch fails inside it (its writes may have landed);
 * a failure before it (setting aside an undecodable message) has decided nothing.
 */
export class CommandBatchHandler {
  constructor(
    private readonly processor: Pick<PartitionProcessor, 'handle'>,
    private readonly deadLetters: DeadLetterSink,
    private readonly telemetry: Pick<ProcessorTelemetry, 'batchDone' | 'batchFailed'>,
  ) {}

  readonly handle = async (batch: ConsumedBatch): Promise<void> => {
    try {
      const commands: RoutedCommand[] = await decodeOrDeadLetter(batch.messages, (m) => decodeCommand(m.value), this.deadLetters);
      await this.processor.handle(batch.partition, commands);
      this.telemetry.batchDone(batch, commands);
    } catch (err) {
      this.telemetry.batchFailed(batch.partition, err as Error);
      throw err;
    }
  };
}
