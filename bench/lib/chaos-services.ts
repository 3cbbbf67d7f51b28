import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { supervisedChild } from '../../apps/cli/src/system/child-process';
import { RestartPolicy, Supervisor } from '../../apps/cli/src/system/supervisor';
import { freePort, sleep } from '../../apps/cli/src/infra/processes';
import { plannedServices, systemPorts } from '../../apps/cli/src/system/system-plan';

const realClock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};

/** `npm run system`'s backoff, with a shorter grace period on stop (the run is bounded). */
const POLICY: RestartPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, stableAfterMs: 60_000, killAfterMs: 15_000 };

export type ServiceKind = 'command-processor' | 'projector' | 'keys-api';

/** The entry points `npm run system` runs (system-plan.ts), by kind. */
function entryOf(kind: ServiceKind): string {
  const spec = plannedServices(systemPorts({}), { kind: 'none' }).core.find((s) => s.name === kind);
  if (!spec) throw new Error(`no service ${kind} in the system plan`);
  return spec.entry;
}

export interface ServiceExit {
  readonly instance: string;
  readonly at: number;
  readonly how: string;
  /** True when the chaos schedule killed it (kill -9 or a planned stop). */
  readonly planned: boolean;
}

/**
 * One instance of a service as `npm run system` runs it: `node scripts/run.js <entry>` as a child
 * process under the same Supervisor (restarted with backoff when it exits on its own, logged), on
 * a port of its own, its output appended to `<logDir>/<name>.log`.
 */
export class ServiceInstance {
  private supervisor?: Supervisor;
  private child?: ChildProcess;
  private plannedKill = false;
  starts = 0;

  constructor(
    readonly name: string,
    readonly kind: ServiceKind,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly codeRoot: string,
    private readonly logDir: string,
    private readonly exits: ServiceExit[],
    private readonly log: (msg: string) => void,
  ) {}

  static async create(
    name: string,
    kind: ServiceKind,
    env: NodeJS.ProcessEnv,
    codeRoot: string,
    logDir: string,
    exits: ServiceExit[],
    log: (msg: string) => void,
  ): Promise<ServiceInstance> {
    return new ServiceInstance(name, kind, await freePort(), env, codeRoot, logDir, exits, log);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logFile(): string {
    return join(this.logDir, `${this.name}.log`);
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  start(): void {
    if (this.supervisor) throw new Error(`${this.name} already started`);
    mkdirSync(this.logDir, { recursive: true });
    const supervisor = new Supervisor(
      [this.name],
      () => {
        const out = openSync(this.logFile, 'a');
        const child = spawn(process.execPath, [join(this.codeRoot, 'scripts', 'run.js'), join(this.codeRoot, entryOf(this.kind))], {
          cwd: this.codeRoot,
          env: { ...this.env, HTTP_PORT: String(this.port), HTTP_HOST: '127.0.0.1' },
          stdio: ['ignore', out, out],
        });
        this.child = child;
        this.starts++;
        child.on('exit', (code, signal) => {
          this.exits.push({ instance: this.name, at: Date.now(), how: signal ? `signal ${signal}` : `code ${code}`, planned: this.plannedKill });
          this.plannedKill = false;
        });
        return supervisedChild(child);
      },
      realClock,
      (msg) => this.log(`[supervisor] ${msg}`),
      POLICY,
    );
    this.supervisor = supervisor;
    supervisor.start();
  }

  /** kill -9 of the running process; the supervisor starts it again after its backoff. */
  kill9(): number {
    const pid = this.pid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    this.plannedKill = true;
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** SIGSTOP, then SIGCONT after `ms`: a process that stops answering (a long GC pause, a frozen VM) and comes back. */
  async pause(ms: number): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) throw new Error(`${this.name} is not running`);
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(ms);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }

  /** Answers 200 on /health/ready (Kafka and the store reachable; the keys-api: commands being decided). */
  async waitReady(timeoutMs = 180_000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const ok = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return Date.now();
      if (Date.now() - started > timeoutMs) throw new Error(`${this.name} not ready after ${timeoutMs} ms (log: ${this.logFile})`);
      await sleep(250);
    }
  }

  /** SIGTERM (SIGKILL after the grace period); nothing restarts it afterwards. */
  async stop(): Promise<void> {
    if (!this.supervisor) return;
    this.plannedKill = true;
    await this.supervisor.stop();
  }
}

/** The services' environment for the chaos run's own Kafka, store, topics and database. */
export function chaosServiceEnv(infra: { KAFKA_BROKERS: string; MONGODB_URI: string }, id: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...infra,
    KAFKA_TOPIC_PREFIX: `chaos.${id}.`,
    KAFKA_PARTITIONS: '8',
    MONGODB_DB: `chaos_${id}`,
    SERVER_NAME: 'chaos.local',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: `chaos-secret-${id}`,
    APPSERVICE_HS_TOKEN: `chaos-hs-${id}`,
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    // The generator's load is the subject, not the request limits (as `npm run generate` runs it).
    RATE_LIMITS: 'off',
  };
}
