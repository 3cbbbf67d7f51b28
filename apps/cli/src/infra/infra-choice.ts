import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the test tiers get Kafka and MongoDB (`infra with --tests`):
 * - `external`: KAFKA_BROKERS and MONGODB_URI point at running servers; nothing is started;
 * - `containers`: throwaway containers (@testcontainers/kafka, @testcontainers/mongodb);
 * - `local`: the Kafka and FerretDB processes provisioned into `.local/` (as without `--tests`).
 */
export type TestInfraKind = 'external' | 'containers' | 'local';

/** TEST_INFRA: `auto` (the default) decides by what is there; `local` and `containers` force one. */
export const TEST_INFRA_SETTINGS = ['auto', 'local', 'containers'] as const;
export type TestInfraSetting = (typeof TEST_INFRA_SETTINGS)[number];

export interface TestInfraSignals {
  /** The TEST_INFRA variable as set (undefined or empty: auto). */
  readonly setting: string | undefined;
  /** Both KAFKA_BROKERS and MONGODB_URI are set. */
  readonly external: boolean;
  /** How a container engine was found (DOCKER_HOST or a socket path), or undefined. */
  readonly engine: string | undefined;
}

export interface TestInfraChoice {
  readonly kind: TestInfraKind;
  /** Chosen by TEST_INFRA=auto: a containers choice may fall back to local if the engine does not answer. */
  readonly auto: boolean;
  readonly reason: string;
}

/**
 * The choice, a pure function of what was detected. Explicit `containers` wins over everything
 * (the command gets the containers' addresses even if KAFKA_BROKERS is set); `local` is the
 * behaviour without `--tests` (external servers when given, else local processes); `auto` takes
 * external servers when given, else containers when an engine is present, else local processes.
 * A TEST_INFRA value other than these stops the run with a message naming the variable.
 */
export function chooseTestInfra(signals: TestInfraSignals): TestInfraChoice {
  const setting = parseSetting(signals.setting);
  const auto = setting === 'auto';
  if (setting === 'containers') return { kind: 'containers', auto, reason: 'TEST_INFRA=containers' };
  if (signals.external) return { kind: 'external', auto, reason: 'KAFKA_BROKERS and MONGODB_URI are set' };
  if (setting === 'local') return { kind: 'local', auto, reason: 'TEST_INFRA=local' };
  if (signals.engine) return { kind: 'containers', auto, reason: `a container engine is present: ${signals.engine}` };
  return { kind: 'local', auto, reason: 'no container engine found: no DOCKER_HOST, no Docker socket' };
}

function parseSetting(value: string | undefined): TestInfraSetting {
  const v = (value ?? '').trim();
  if (v === '') return 'auto';
  if ((TEST_INFRA_SETTINGS as readonly string[]).includes(v)) return v as TestInfraSetting;
  throw new Error(`TEST_INFRA must be one of ${TEST_INFRA_SETTINGS.join(', ')}, not "${value}"`);
}

/**
 * The sockets where testcontainers itself looks for an engine when DOCKER_HOST is not set: the
 * system Docker socket, rootless Docker, Docker Desktop. (Podman and remote engines: DOCKER_HOST.)
 */
export function containerEngineSockets(env: NodeJS.ProcessEnv, home: string): string[] {
  const sockets = ['/var/run/docker.sock'];
  if (env.XDG_RUNTIME_DIR) sockets.push(join(env.XDG_RUNTIME_DIR, 'docker.sock'));
  sockets.push(join(home, '.docker', 'run', 'docker.sock'), join(home, '.docker', 'desktop', 'docker.sock'));
  return sockets;
}

/**
 * How a container engine can be reached, without loading testcontainers (which takes about a
 * second): DOCKER_HOST, else the first socket that exists. A socket whose daemon is stopped still
 * counts; `auto` then falls back to the local processes when the containers do not start.
 */
export function detectContainerEngine(env: NodeJS.ProcessEnv, exists: (path: string) => boolean = existsSync, home: string = homedir()): string | undefined {
  if (env.DOCKER_HOST) return `DOCKER_HOST=${env.DOCKER_HOST}`;
  return containerEngineSockets(env, home).find((socket) => exists(socket));
}

/** The signals of the current process: TEST_INFRA, KAFKA_BROKERS/MONGODB_URI and the engine. */
export function testInfraSignals(env: NodeJS.ProcessEnv, exists?: (path: string) => boolean, home?: string): TestInfraSignals {
  return { setting: env.TEST_INFRA, external: Boolean(env.KAFKA_BROKERS && env.MONGODB_URI), engine: detectContainerEngine(env, exists, home) };
}
