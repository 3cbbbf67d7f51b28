import { Kafka } from 'kafkajs';
import { BatchConsumer } from './batch-consumer';

/** kafkajs' consumer as far as BatchConsumer uses it: calls are counted, events fired by the test. */
function fakeKafka() {
  const listeners = new Map<string, ((event: unknown) => void)[]>();
  const calls = { connect: 0, subscribe: 0, run: 0, disconnect: 0 };
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: (name: string, listener: (event: unknown) => void) => void listeners.set(name, [...(listeners.get(name) ?? []), listener]),
    connect: async () => void calls.connect++,
    subscribe: async () => void calls.subscribe++,
    run: async () => void calls.run++,
    disconnect: async () => void calls.disconnect++,
    commitOffsets: async () => undefined,
  };
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  const crash = (restart: boolean) =>
    listeners.get('consumer.crash')?.forEach((l) => l({ payload: { error: new Error('The coordinator is not aware of this member'), groupId: 'g', restart } }));
  return { kafka, calls, crash };
}

const options = { groupId: 'g', topics: ['t'], fromBeginning: true, partitionsConcurrently: 1, handle: async () => undefined };

describe('BatchConsumer after a crash', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('joins the group again after a crash kafkajs does not restart (non-retriable: the member was dropped)', async () => {
    const { kafka, calls, crash } = fakeKafka();
    const consumer = new BatchConsumer(kafka, options);
    await consumer.start();
    expect(calls).toMatchObject({ connect: 1, run: 1 });
    crash(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(calls).toMatchObject({ connect: 2, subscribe: 2, run: 2 });
    await consumer.stop();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, and rejoins nothing once stopped', async () => {
    const { kafka, calls, crash } = fakeKafka();
    const consumer = new BatchConsumer(kafka, options);
    await consumer.start();
    crash(true);
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls.run).toBe(1);
    crash(false);
    await consumer.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(calls).toMatchObject({ run: 1, disconnect: 1 });
  });
});
