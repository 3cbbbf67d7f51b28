import { RoutedCommand, decodeCommand } from '@app/contracts';
import { ConsumedBatch } from '@app/kafka';
import { DeadLetterSink, decodeOrDeadLetter } from '@app/platform';
import { PartitionProcessor } from './partition-processor';
import { ProcessorTelemetry } from './processor-telemetry';

/**
 * One consumed batch of e2ee.commands: undecodable messages to the dead-letter topic, the rest to
 * the partition processor. A failure anywhere forgets the partition's memory (it is caught up
 * again) and fails the batch, which the consumer then redelivers.
 */
export class CommandBatchHandler {
  constructor(
    private readonly processor: Pick<PartitionProcessor, 'handle' | 'forget'>,
    private readonly deadLetters: DeadLetterSink,
    private readonly telemetry: Pick<ProcessorTelemetry, 'batchDone' | 'batchFailed'>,
  ) {}

  readonly handle = async (batch: ConsumedBatch): Promise<void> => {
    const partition = batch.partition;
    try {
      const commands: RoutedCommand[] = await decodeOrDeadLetter(batch.messages, (m) => decodeCommand(m.value), this.deadLetters);
      await this.processor.handle(partition, commands);
      this.telemetry.batchDone(batch, commands);
    } catch (err) {
      this.processor.forget(partition);
      this.telemetry.batchFailed(partition, err as Error);
      throw err;
    }
  };
}
