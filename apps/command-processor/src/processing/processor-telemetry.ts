import { CommandReply, PROCESSOR_GROUP, RoutedCommand } from '@app/contracts';
import { DecidedCommand } from '@app/domain';
import { ConsumedBatch } from '@app/kafka';
import { JsonLogger, Metrics, withCorrelation } from '@app/platform';
import { ProcessorLog } from './partition-processor';

export type ProcessorMetrics = Pick<Metrics, 'commandsDecided' | 'toDeviceDropped' | 'consumerLag'>;
export type ProcessorLogger = Pick<JsonLogger, 'write'>;

/** Everything the command-processor counts and logs, in one place: the rest of it only reports what happened. */
export class ProcessorTelemetry {
  constructor(
    private readonly metrics: ProcessorMetrics,
    private readonly logger: ProcessorLogger,
  ) {}

  /** BatchDecider's observer: each decided command by type and outcome, and the to-device messages a full inbox dropped. */
  readonly decided = (decided: DecidedCommand, reply: CommandReply): void => {
    this.metrics.commandsDecided.labels(decided.command.type, reply.outcome.ok ? 'accepted' : reply.outcome.rejection.code).inc();
    this.metrics.toDeviceDropped.inc(decided.events.filter((e) => e.type === 'ToDeviceDropped').length);
  };

  /** What PartitionProcessor reports about catch-up and background flushes. */
  readonly partitions: ProcessorLog = {
    caughtUp: (partition, folded) => folded > 0 && this.logger.write('info', 'caught up before deciding', { partition, folded }),
    undecodable: (partition, offset, reason) =>
      this.logger.write('error', 'event skipped during catch-up (undecodable, or its fold throws)', { partition, offset, reason }),
    flushFailed: (partition, err) => this.logger.write('warn', 'snapshot flush failed; states stay staged', { partition, err: err.message }),
  };

  /** A batch is decided: logged under its first command's correlation id, and the partition's lag set. */
  batchDone(batch: ConsumedBatch, commands: readonly RoutedCommand[]): void {
    const partition = batch.partition;
    if (commands.length > 0) {
      withCorrelation(commands[0].correlationId, () => this.logger.write('debug', 'batch decided', { partition, commands: commands.length }));
    }
    this.metrics.consumerLag
      .labels(PROCESSOR_GROUP, batch.topic, String(partition))
      .set(Number(BigInt(batch.highWatermark) - BigInt(batch.messages[batch.messages.length - 1].offset) - 1n));
  }

  batchFailed(partition: number, err: Error): void {
    this.logger.write('error', 'command batch failed; will be retried', { partition, err: err.message });
  }

  commitFailed(err: Error): void {
    this.logger.write('warn', 'offset commit failed; the next one carries it', { err: err.message });
  }

  assigned(assignment: Record<string, number[]>): void {
    this.logger.write('info', 'partitions assigned', { assignment });
  }

  /** For retryUntilReady while Kafka or MongoDB are not up yet. */
  readonly notReady = (message: string): void => this.logger.write('warn', message);
}
