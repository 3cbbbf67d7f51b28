import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { removeDeployment } from '@app/platform';
import { bootstrapKeysApi } from '../../apps/keys-api/src/bootstrap';
import { CommandGateway } from '../../apps/keys-api/src/command-gateway/command-gateway';
import { bootstrapProcessor } from '../../apps/command-processor/src/bootstrap';
import { bootstrapProjector } from '../../apps/projector/src/bootstrap';

export interface RunningApi {
  readonly url: string;
  readonly app: INestApplication;
}

/** The keys-api in this process, listening on a free port. */
export async function startApi(env: NodeJS.ProcessEnv, overrides: Record<string, string> = {}): Promise<RunningApi> {
  const { app, url } = await bootstrapKeysApi({ ...env, ...overrides });
  if (!overrides.NO_WAIT) await app.get(CommandGateway).whenReady();
  return { app, url };
}

export async function startProcessor(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  return (await bootstrapProcessor(env)).app;
}

export async function startProjector(env: NodeJS.ProcessEnv): Promise<INestApplication> {
  return (await bootstrapProjector(env)).app;
}

/** All three services in this process. */
export async function startSystem(env: NodeJS.ProcessEnv, apiInstances = 1) {
  const processor = await startProcessor(env);
  const projector = await startProjector(env);
  const apis: RunningApi[] = [];
  for (let i = 0; i < apiInstances; i++) apis.push(await startApi(env));
  return {
    apis,
    processor,
    projector,
    async stop() {
      for (const api of apis) await api.app.close();
      await processor.close();
      await projector.close();
    },
  };
}

/** A service as a real child process, so that a test can kill it with SIGKILL. */
export class ServiceProcess {
  private child?: ChildProcess;
  exited?: Promise<void>;

  constructor(
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static processor(env: NodeJS.ProcessEnv) {
    return new ServiceProcess('apps/command-processor/src/main.ts', env);
  }

  static projector(env: NodeJS.ProcessEnv) {
    return new ServiceProcess('apps/projector/src/main.ts', env);
  }

  /** Starts and resolves once the service logged that it started (after joining Kafka). */
  async start(): Promise<void> {
    const root = join(__dirname, '..', '..');
    const child = spawn(process.execPath, [join(root, 'scripts', 'run.js'), join(root, this.entry)], {
      cwd: root,
      env: { ...this.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.entry} did not start in time`)), 90_000);
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        if (/ started"/.test(buffer)) {
          clearTimeout(timer);
          buffer = '';
          resolve();
        }
        if (buffer.length > 100_000) buffer = buffer.slice(-1000);
      });
      child.stderr!.on('data', () => undefined);
      child.on('exit', (code) => reject(new Error(`${this.entry} exited with ${code} while starting`)));
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/** Removes a suite's topics and database. */
export function cleanUp(env: NodeJS.ProcessEnv): Promise<void> {
  return removeDeployment(env, 'cleanup');
}

/** A suite's own steps around the shared set-up: `before` runs before the start, `after` after the stop. */
export interface SuiteHooks {
  before?: () => Promise<unknown>;
  after?: () => Promise<unknown>;
}

/**
 * The set-up every system suite shares: starts what `start` starts before the suite's tests, then
 * stops it and removes the suite's topics and database. The answer reads through to what started,
 * so tests use it as they would the started system itself (only inside tests and hooks).
 */
export function systemForSuite<T extends { stop(): Promise<void> }>(env: NodeJS.ProcessEnv, start: () => Promise<T>, hooks: SuiteHooks = {}): T {
  let running: T | undefined;
  beforeAll(async () => {
    await hooks.before?.();
    running = await start();
  });
  afterAll(async () => {
    await running?.stop();
    await hooks.after?.();
    await cleanUp(env);
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (!running) throw new Error(`the suite's system is not started: read ${String(key)} inside a test or hook`);
      return running[key as keyof T];
    },
  });
}

/** A keys-api in this process beside a command-processor child process, which a test may kill and start again. */
export async function startApiBeside(processor: ServiceProcess, env: NodeJS.ProcessEnv) {
  await processor.start();
  const api = await startApi(env);
  return {
    ...api,
    async stop() {
      await api.app.close();
      await processor.kill('SIGTERM');
    },
  };
}
