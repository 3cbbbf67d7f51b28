import { ProjectionWait } from './projection-wait';

const OWNER = 'projection:device-keys:v2';

/** Checkpoints in a map the test moves on; fake timers drive the watch's polling. */
function harness(timeoutMs = 1000) {
  const stored = new Map<string, Map<number, string>>();
  const loads: string[] = [];
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const wait = new ProjectionWait(
    {
      load: async (owner) => (loads.push(owner), new Map(stored.get(owner) ?? [])),
      known: (owner) => stored.get(owner),
    },
    timeoutMs,
    { write: (_level, message, fields) => void warnings.push({ message, fields }) },
  );
  const checkpoint = (partition: number, offset: number) => {
    const at = stored.get(OWNER) ?? new Map<number, string>();
    stored.set(OWNER, at);
    at.set(partition, String(offset));
  };
  return { wait, checkpoint, loads, warnings, known: stored };
}

describe('ProjectionWait', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers at once, reading nothing, with no targets', async () => {
    const h = harness();
    await expect(h.wait.until('device-keys', 2, new Map())).resolves.toBe(true);
    expect(h.loads).toEqual([]);
  });

  it("waits on the projection version's checkpoints until they pass every target", async () => {
    const h = harness();
    h.checkpoint(0, 3);
    h.known.delete(OWNER); // not known yet: polled
    let state: boolean | 'waiting' = 'waiting';
    void h.wait.until('device-keys', 2, new Map([[0, 5n]])).then((v) => (state = v));
    await jest.advanceTimersByTimeAsync(20);
    expect(state).toBe('waiting');
    expect(new Set(h.loads)).toEqual(new Set([OWNER]));
    h.checkpoint(0, 5);
    await jest.advanceTimersByTimeAsync(5);
    expect(state).toBe(true);
    expect(h.warnings).toEqual([]);
  });

  it('gives up at the timeout and logs that the read went ahead behind the projection', async () => {
    const h = harness(100);
    h.checkpoint(1, 0);
    let state: boolean | 'waiting' = 'waiting';
    void h.wait.until('device-keys', 2, new Map([[1, 8n]])).then((v) => (state = v));
    await jest.advanceTimersByTimeAsync(99);
    expect(state).toBe('waiting');
    await jest.advanceTimersByTimeAsync(10);
    expect(state).toBe(false);
    expect(h.warnings).toEqual([{ message: 'read served before the projection caught up', fields: { projection: 'device-keys', targets: ['1,8'] } }]);
  });

  it('releases its waiters, not caught up, when stopped', async () => {
    const h = harness();
    const waiting = h.wait.until('device-keys', 2, new Map([[0, 1n]]));
    h.wait.stop();
    await expect(waiting).resolves.toBe(false);
  });
});
