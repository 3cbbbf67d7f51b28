import { deferred } from '../testing/in-memory-ports';
import { ProcessorLifecycle } from './processor-lifecycle';

function fakes() {
  const order: string[] = [];
  const starting = deferred();
  const consumer = {
    start: async () => {
      order.push('consumer started');
      await starting.promise;
    },
    stop: async () => void order.push('consumer stopped'),
  };
  let timedFlushes = 0;
  const processor = {
    flushDue: async () => [(timedFlushes++, true)],
    flushAll: async () => void order.push('flushed all'),
  };
  return { order, starting, consumer, processor, timedFlushes: () => timedFlushes };
}

describe('ProcessorLifecycle', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('flushes quiet partitions every interval once the consumer runs, and not before', async () => {
    const f = fakes();
    const lifecycle = new ProcessorLifecycle();
    const started = lifecycle.start(f.processor, f.consumer, 1000);
    await jest.advanceTimersByTimeAsync(5000);
    expect(f.timedFlushes()).toBe(0); // the consumer is still starting
    f.starting.release();
    await started;
    await jest.advanceTimersByTimeAsync(2999);
    expect(f.timedFlushes()).toBe(2);
  });

  it('stops the timer, then the consumer, then flushes everything staged', async () => {
    const f = fakes();
    f.starting.release();
    const lifecycle = new ProcessorLifecycle();
    await lifecycle.start(f.processor, f.consumer, 1000);
    await lifecycle.stop();
    expect(f.order).toEqual(['consumer started', 'consumer stopped', 'flushed all']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(f.timedFlushes()).toBe(0);
  });

  it('does nothing on a stop before any start', async () => {
    await expect(new ProcessorLifecycle().stop()).resolves.toBeUndefined();
  });
});
