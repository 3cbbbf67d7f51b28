import { CommandReply, RoutedCommand } from '@app/contracts';
import { DecidedCommand } from '@app/domain';
import { ConsumedBatch } from '@app/kafka';
import { Metrics, currentCorrelationId } from '@app/platform';
import { commandsOf } from '../testing/commands';
import { RecordingLogger } from '../testing/recording-logger';
import { ProcessorTelemetry } from './processor-telemetry';

const { upload } = commandsOf('@a:hs');

const valueOf = async (metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> }) =>
  (await metric.get()).values.map((v) => [v.labels, v.value]);

const decided = (events: { type: string }[]): DecidedCommand => ({ command: upload('u1', ['A']), events }) as unknown as DecidedCommand;
const reply = (outcome: CommandReply['outcome']): CommandReply => ({ commandId: 'u1', replyTo: 'api-1', outcome }) as CommandReply;

describe('ProcessorTelemetry', () => {
  it('counts decided commands by type and outcome, and the to-device messages a full inbox dropped', async () => {
    const metrics = new Metrics('test');
    const telemetry = new ProcessorTelemetry(metrics, new RecordingLogger());
    telemetry.decided(
      decided([{ type: 'ToDeviceDropped' }, { type: 'ToDeviceDropped' }, { type: 'OneTimeKeysUploaded' }]),
      reply({ ok: true } as CommandReply['outcome']),
    );
    telemetry.decided(decided([]), reply({ ok: false, rejection: { code: 'not-owner' } } as unknown as CommandReply['outcome']));
    expect(await valueOf(metrics.commandsDecided)).toEqual([
      [{ type: 'UploadKeys', outcome: 'accepted' }, 1],
      [{ type: 'UploadKeys', outcome: 'not-owner' }, 1],
    ]);
    expect(await valueOf(metrics.toDeviceDropped)).toEqual([[{}, 2]]);
  });

  it("sets the lag from the high watermark and logs a batch under its first command's correlation id", async () => {
    const metrics = new Metrics('test');
    const logger = new RecordingLogger();
    const seen: (string | undefined)[] = [];
    logger.write = (level, message, fields = {}) => {
      seen.push(currentCorrelationId());
      logger.lines.push({ level, message, fields });
    };
    const telemetry = new ProcessorTelemetry(metrics, logger);
    const batch = { topic: 'e2ee.commands', partition: 2, messages: [{ offset: '6' }], highWatermark: '10' } as unknown as ConsumedBatch;
    const commands: RoutedCommand[] = [upload('u1', ['A'])];
    telemetry.batchDone(batch, commands);
    expect(await valueOf(metrics.consumerLag)).toEqual([[{ group: 'e2ee.command-processor', topic: 'e2ee.commands', partition: '2' }, 3]]);
    expect(logger.lines).toEqual([{ level: 'debug', message: 'batch decided', fields: { partition: 2, commands: 1 } }]);
    expect(seen).toEqual(['u1']);
    telemetry.batchDone(batch, []); // a batch of only dead letters: no log line
    expect(logger.lines).toHaveLength(1);
  });

  it('logs catch-up only when it folded something, and the failures', () => {
    const logger = new RecordingLogger();
    const telemetry = new ProcessorTelemetry(new Metrics('test'), logger);
    telemetry.partitions.caughtUp(0, 0);
    telemetry.partitions.caughtUp(0, 4);
    telemetry.partitions.flushFailed(1, new Error('slow store'));
    telemetry.batchFailed(2, new Error('broker gone'));
    telemetry.commitFailed(new Error('rebalancing'));
    expect(logger.lines.map((l) => [l.level, l.message, l.fields])).toEqual([
      ['info', 'caught up before deciding', { partition: 0, folded: 4 }],
      ['warn', 'snapshot flush failed; states stay staged', { partition: 1, err: 'slow store' }],
      ['error', 'command batch failed; will be retried', { partition: 2, err: 'broker gone' }],
      ['warn', 'offset commit failed; the next one carries it', { err: 'rebalancing' }],
    ]);
  });
});
