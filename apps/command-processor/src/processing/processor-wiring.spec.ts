import { CollectingOutbox, HeldSnapshotStore, InMemoryCheckpoints, InMemoryEventLog } from '../testing/in-memory-ports';
import { commandsOf } from '../testing/commands';
import { ProcessorPorts, wireProcessor } from './processor-wiring';

const OWNER = '@owner:example.org';
const { upload } = commandsOf(OWNER);

function ports() {
  const log = new InMemoryEventLog();
  const wired = {
    snapshots: new HeldSnapshotStore(),
    checkpoints: new InMemoryCheckpoints(),
    events: log,
    reader: log,
    outbox: new CollectingOutbox(),
    eventsTopic: 'e2ee.events',
  };
  return { ...wired, log } satisfies ProcessorPorts & { log: InMemoryEventLog };
}

const telemetry = () => ({ decided: jest.fn(), partitions: { caughtUp: jest.fn(), undecodable: jest.fn(), flushFailed: jest.fn() } });

describe('wireProcessor', () => {
  afterEach(() => jest.useRealTimers());

  it('fences and catches up, decides through the fenced log, replies, reports, and flushes to the ports', async () => {
    const p = ports();
    const t = telemetry();
    const processor = wireProcessor(p, { snapshotIntervalMs: 60_000, snapshotWriteDelayMs: 0 }, t);
    await processor.handle(0, [upload('u1', ['A'])]);
    expect(p.log.events(0).map((e) => e.type)).toEqual(['WriterStarted', 'OneTimeKeysUploaded']);
    const [marker, uploaded] = p.log.events(0);
    expect(uploaded.writer).toBe((marker.data as { writer: string }).writer); // stamped as the partition's writer
    expect(p.outbox.replies.map((r) => [r.commandId, r.outcome.ok])).toEqual([['u1', true]]);
    expect(t.decided).toHaveBeenCalledTimes(1);
    expect(t.partitions.caughtUp).toHaveBeenCalledWith(0, 0);
    await processor.flushAll();
    expect(p.snapshots.stored.get(OWNER)?.lastOffset).toBe(1);
    expect(p.checkpoints.saved.get(0)).toBe(1);
  });

  it('slows every snapshot write when SNAPSHOT_WRITE_DELAY_MS asks for it (fake clock)', async () => {
    jest.useFakeTimers();
    const p = ports();
    const processor = wireProcessor(p, { snapshotIntervalMs: 1000, snapshotWriteDelayMs: 50 }, telemetry());
    await processor.handle(0, [upload('u1', ['A'])]);
    const flushing = processor.flushAll();
    await jest.advanceTimersByTimeAsync(49);
    expect(p.snapshots.stored.size).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    await flushing;
    expect(p.snapshots.stored.get(OWNER)?.lastOffset).toBe(1);
  });
});
