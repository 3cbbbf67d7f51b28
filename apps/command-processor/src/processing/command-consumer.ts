import { TopicNames, processorGroupOf } from '@app/contracts';
import { BatchConsumerOptions, ConsumedBatch } from '@app/kafka';
import { PartitionProcessor } from './partition-processor';
import { ProcessorTelemetry } from './processor-telemetry';

/**
 * How the processor consumes e2ee.commands: one consumer group (one owner per partition), from
 * the beginning, every partition at once, offsets committed in the background. A new assignment
 * resets the processor: another member may have decided on any partition meanwhile.
 */
export function commandConsumerOptions(
  topics: TopicNames,
  partitions: number,
  processor: Pick<PartitionProcessor, 'reassigned'>,
  handle: (batch: ConsumedBatch) => Promise<void>,
  telemetry: Pick<ProcessorTelemetry, 'commitFailed' | 'assigned'>,
): BatchConsumerOptions {
  return {
    groupId: processorGroupOf(topics),
    topics: [topics.commands],
    fromBeginning: true,
    // Deciding is in memory; the partitions' appends and replies share requests (SendCoalescer).
    partitionsConcurrently: partitions,
    commits: 'background', // redelivered commands are recognised (processedCommands, recentClaims)
    commitFailed: (err) => telemetry.commitFailed(err),
    onAssignment: (assignment) => {
      processor.reassigned();
      telemetry.assigned(assignment);
    },
    handle,
  };
}
