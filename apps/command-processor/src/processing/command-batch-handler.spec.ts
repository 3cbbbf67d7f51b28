import { RoutedCommand, encodeMessage } from '@app/contracts';
import { ConsumedBatch, ConsumedMessage, OutgoingMessage } from '@app/kafka';
import { DeadLetterSink, Metrics } from '@app/platform';
import { commandsOf } from '../testing/commands';
import { RecordingLogger } from '../testing/recording-logger';
import { CommandBatchHandler } from './command-batch-handler';

const a = commandsOf('@a:hs');
const b = commandsOf('@b:hs');
const message = (offset: number, value: Buffer): ConsumedMessage => ({
  topic: 'e2ee.commands',
  partition: 3,
  offset: String(offset),
  key: null,
  value,
  headers: {},
});
const batchOf = (messages: ConsumedMessage[]): ConsumedBatch => ({
  topic: 'e2ee.commands',
  partition: 3,
  messages,
  highWatermark: '10',
  heartbeat: async () => undefined,
});

function harness(options: { processorFails?: Error; deadLetterFails?: Error } = {}) {
  const handled: { partition: number; commands: RoutedCommand[] }[] = [];
  const forgotten: number[] = [];
  const processor = {
    handle: async (partition: number, commands: readonly RoutedCommand[]) => {
      handled.push({ partition, commands: [...commands] });
      if (options.processorFails) throw options.processorFails;
    },
    forget: (partition: number) => void forgotten.push(partition),
  };
  const deadLettered: OutgoingMessage[] = [];
  const sink: DeadLetterSink = {
    producer: {
      send: async (messages) => {
        if (options.deadLetterFails) throw options.deadLetterFails;
        deadLettered.push(...messages);
        return [];
      },
    },
    topic: 'e2ee.deadletter',
    consumerGroup: 'e2ee.command-processor',
    metrics: new Metrics('test'),
    logger: new RecordingLogger(),
  };
  const telemetry = { batchDone: jest.fn(), batchFailed: jest.fn() };
  return { handler: new CommandBatchHandler(processor, sink, telemetry), handled, forgotten, deadLettered, telemetry };
}

describe('CommandBatchHandler', () => {
  it('hands the decodable commands to the processor in order, dead-letters the rest, and reports the batch', async () => {
    const h = harness();
    const batch = batchOf([
      message(0, encodeMessage(a.upload('u1', ['A']))),
      message(1, Buffer.from('not json')),
      message(2, encodeMessage(b.upload('u2', ['A']))),
    ]);
    await h.handler.handle(batch);
    expect(h.handled.map((b) => [b.partition, b.commands.map((c) => c.id)])).toEqual([[3, ['u1', 'u2']]]);
    expect(h.deadLettered).toHaveLength(1);
    expect(h.deadLettered[0].topic).toBe('e2ee.deadletter');
    expect(h.telemetry.batchDone).toHaveBeenCalledWith(batch, h.handled[0].commands);
    expect(h.forgotten).toEqual([]);
  });

  it('fails the batch when the processor fails, leaving its memory to the processor', async () => {
    const h = harness({ processorFails: new Error('log down') });
    await expect(h.handler.handle(batchOf([message(0, encodeMessage(a.upload('u1', ['A'])))]))).rejects.toThrow('log down');
    expect(h.forgotten).toEqual([]);
    expect(h.telemetry.batchFailed).toHaveBeenCalledWith(3, expect.objectContaining({ message: 'log down' }));
    expect(h.telemetry.batchDone).not.toHaveBeenCalled();
  });

  it('fails the batch (retried) when an undecodable message cannot be set aside, before deciding anything', async () => {
    const h = harness({ deadLetterFails: new Error('dead-letter topic down') });
    await expect(h.handler.handle(batchOf([message(0, Buffer.from('x')), message(1, encodeMessage(a.upload('u1', ['A'])))]))).rejects.toThrow(
      'dead-letter topic down',
    );
    expect(h.handled).toEqual([]);
    expect(h.forgotten).toEqual([]);
  });
});
