import { Clock, RestartPolicy, SupervisedChild, Supervisor, nextRestart } from './supervisor';

const POLICY: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 8000, stableAfterMs: 60_000, killAfterMs: 5000 };

/** Time moves only when the test says so. */
class FakeClock implements Clock {
  private time = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  };
  clearTimeout = (id: unknown) => void this.timers.delete(id as number);
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = until;
  }
  get pending(): number {
    return this.timers.size;
  }
}

class FakeChild implements SupervisedChild {
  readonly signals: NodeJS.Signals[] = [];
  private listeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  constructor(readonly name: string) {}
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
  }
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    this.listeners.push(listener);
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    for (const listener of this.listeners) listener(code, signal);
  }
}

function setUp() {
  const clock = new FakeClock();
  const spawned: FakeChild[] = [];
  const logs: string[] = [];
  const supervisor = new Supervisor(
    ['processor', 'api'],
    (name) => {
      const child = new FakeChild(name);
      spawned.push(child);
      return child;
    },
    clock,
    (msg) => logs.push(msg),
    POLICY,
  );
  const latest = (name: string) => spawned.filter((c) => c.name === name).at(-1)!;
  const count = (name: string) => spawned.filter((c) => c.name === name).length;
  supervisor.start();
  return { clock, supervisor, logs, latest, count };
}

describe('supervisor', () => {
  it('restarts a child that was killed, after the first delay, and says how it ended', () => {
    const { clock, logs, latest, count } = setUp();
    latest('processor').exit(null, 'SIGKILL');
    expect(logs).toEqual(['processor exited unexpectedly (signal SIGKILL) after 0 ms; restarting in 1000 ms (crash 1 in a row)']);
    clock.advance(999);
    expect(count('processor')).toBe(1);
    clock.advance(1);
    expect([count('processor'), count('api')]).toEqual([2, 1]);
  });

  it('doubles the delay for each crash in a row, up to the cap', () => {
    const { clock, logs, latest } = setUp();
    for (let i = 0; i < 5; i++) {
      clock.advance(100);
      latest('processor').exit(1);
      clock.advance(60_000);
    }
    expect(logs.map((l) => /restarting in (\d+) ms/.exec(l)![1])).toEqual(['1000', '2000', '4000', '8000', '8000']);
    expect(logs[0]).toContain('(code 1) after 100 ms');
  });

  it('starts the backoff afresh after a healthy run', () => {
    const { clock, logs, latest } = setUp();
    latest('api').exit(1);
    clock.advance(1000);
    latest('api').exit(1);
    clock.advance(2000 + 60_000);
    latest('api').exit(1);
    expect(logs.map((l) => /restarting in (\d+) ms/.exec(l)![1])).toEqual(['1000', '2000', '1000']);
  });

  it('stopping sends SIGTERM, restarts nothing, cancels a pending restart and resolves once all exited', async () => {
    const { clock, supervisor, logs, latest, count } = setUp();
    latest('processor').exit(1); // a restart is now pending
    const processor = latest('processor');
    const api = latest('api');
    const stopping = supervisor.stop();
    expect(api.signals).toEqual(['SIGTERM']);
    api.exit(null, 'SIGTERM'); // an exit while stopping is expected: no restart
    await stopping;
    clock.advance(60_000);
    expect([count('processor'), count('api'), processor.signals]).toEqual([1, 1, []]);
    expect(logs).toHaveLength(1); // only the crash before stop()
    expect(clock.pending).toBe(0);
  });

  it('kills a child that ignores SIGTERM after the grace period', async () => {
    const { clock, supervisor, latest } = setUp();
    const processor = latest('processor');
    const stopping = supervisor.stop();
    latest('api').exit(0);
    clock.advance(4999);
    expect(processor.signals).toEqual(['SIGTERM']);
    clock.advance(1);
    expect(processor.signals).toEqual(['SIGTERM', 'SIGKILL']);
    processor.exit(null, 'SIGKILL');
    await stopping;
  });

  it('computes restarts as a pure function of the crash count and the last run', () => {
    expect(nextRestart(POLICY, 0, 10)).toEqual({ crashesInARow: 1, delayMs: 1000 });
    expect(nextRestart(POLICY, 3, 10)).toEqual({ crashesInARow: 4, delayMs: 8000 });
    expect(nextRestart(POLICY, 9, 60_000)).toEqual({ crashesInARow: 1, delayMs: 1000 });
  });
});
