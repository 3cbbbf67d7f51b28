import { PartitionProcessor } from './partition-processor';

/** The consumer as the lifecycle sees it (BatchConsumer). */
export interface StartsAndStops {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start and stop in the right order. Started: the consumer, then a timer that writes the staged
 * snapshots of quiet partitions every interval. Stopped: the timer, then the consumer (no batch
 * runs any more), then a last forced flush of everything staged, waited for.
 */
export class ProcessorLifecycle {
  private processor?: Pick<PartitionProcessor, 'flushDue' | 'flushAll'>;
  private consumer?: StartsAndStops;
  private flushTimer?: NodeJS.Timeout;

  async start(processor: Pick<PartitionProcessor, 'flushDue' | 'flushAll'>, consumer: StartsAndStops, flushIntervalMs: number): Promise<void> {
    // Kept before the consumer starts: a stop after a failed start still stops and flushes.
    this.processor = processor;
    this.consumer = consumer;
    await consumer.start();
    this.flushTimer = setInterval(() => void processor.flushDue(), flushIntervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.consumer?.stop();
    await this.processor?.flushAll();
  }
}
