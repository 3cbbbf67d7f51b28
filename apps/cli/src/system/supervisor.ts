/** A running child process as the supervisor sees it (the real one wraps node's ChildProcess). */
export interface SupervisedChild {
  kill(signal: NodeJS.Signals): void;
  /** Each listener is called once the process exited (or could not be started: code and signal null). */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RestartPolicy {
  /** Delay before the first restart; doubled for each further crash in a row. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** A run at least this long was healthy: the next crash starts the backoff afresh. */
  readonly stableAfterMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  readonly killAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, stableAfterMs: 60_000, killAfterMs: 30_000 };

/** Crashes in a row (a long healthy run resets the count) and the delay before the next start. */
export function nextRestart(policy: RestartPolicy, crashesInARow: number, ranForMs: number): { crashesInARow: number; delayMs: number } {
  const crashes = ranForMs >= policy.stableAfterMs ? 1 : crashesInARow + 1;
  return { crashesInARow: crashes, delayMs: Math.min(policy.initialDelayMs * 2 ** (crashes - 1), policy.maxDelayMs) };
}

interface Service {
  readonly name: string;
  child?: SupervisedChild;
  startedAt: number;
  crashesInARow: number;
  restartTimer?: unknown;
}

/**
 * Keeps a set of services running: one that exits on its own (a crash, kill -9, an OOM) is logged
 * with its exit code or signal and started again after a backoff. stop() ends them all and
 * nothing is restarted from then on.
 */
export class Supervisor {
  private readonly services: Service[];
  private stopping?: Promise<void>;

  constructor(
    names: readonly string[],
    private readonly spawn: (name: string) => SupervisedChild,
    private readonly clock: Clock,
    private readonly log: (msg: string) => void,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {
    this.services = names.map((name) => ({ name, startedAt: 0, crashesInARow: 0 }));
  }

  start(): void {
    for (const service of this.services) this.launch(service);
  }

  /** SIGTERM to every child (SIGKILL after `killAfterMs`); resolves once all exited. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private launch(service: Service): void {
    service.restartTimer = undefined;
    service.startedAt = this.clock.now();
    const child = this.spawn(service.name);
    service.child = child;
    child.onExit((code, signal) => this.exited(service, child, code, signal));
  }

  private exited(service: Service, child: SupervisedChild, code: number | null, signal: NodeJS.Signals | null): void {
    if (service.child !== child) return;
    service.child = undefined;
    if (this.stopping) return;
    const ranFor = this.clock.now() - service.startedAt;
    const next = nextRestart(this.policy, service.crashesInARow, ranFor);
    service.crashesInARow = next.crashesInARow;
    const how = signal ? `signal ${signal}` : code === null ? 'no exit code (could not start)' : `code ${code}`;
    this.log(`${service.name} exited unexpectedly (${how}) after ${ranFor} ms; restarting in ${next.delayMs} ms (crash ${next.crashesInARow} in a row)`);
    service.restartTimer = this.clock.setTimeout(() => this.launch(service), next.delayMs);
  }

  private async stopAll(): Promise<void> {
    const exits = this.services.map((service) => {
      if (service.restartTimer !== undefined) this.clock.clearTimeout(service.restartTimer);
      service.restartTimer = undefined;
      const child = service.child;
      if (!child) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const killer = this.clock.setTimeout(() => {
          this.log(`${service.name} did not stop within ${this.policy.killAfterMs} ms; SIGKILL`);
          child.kill('SIGKILL');
        }, this.policy.killAfterMs);
        child.onExit(() => {
          this.clock.clearTimeout(killer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    });
    await Promise.all(exits);
  }
}
