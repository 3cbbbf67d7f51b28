import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { infraLayout } from '../infra/infra-layout';
import { LocalInfra } from '../infra/infra';
import { leaseInfra } from '../infra/infra-lease';
import { supervisedChild } from './child-process';
import { Supervisor } from './supervisor';

const SERVICES = [
  { name: 'command-processor', entry: 'apps/command-processor/src/main.ts', port: 8081 },
  { name: 'projector', entry: 'apps/projector/src/main.ts', port: 8082 },
  { name: 'keys-api', entry: 'apps/keys-api/src/main.ts', port: Number(process.env.HTTP_PORT ?? 8080) },
];

const realClock = { now: () => Date.now(), setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };

/**
 * `system`: the whole thing on one machine. Local Kafka and FerretDB (unless KAFKA_BROKERS and
 * MONGODB_URI are set), then the three services, each restarted with backoff when it exits on its
 * own; Ctrl-C stops the services and whatever of Kafka and FerretDB this command started.
 */
export async function systemCommand(): Promise<number> {
  const log = (msg: string) => process.stderr.write(`[system] ${msg}\n`);
  const layout = infraLayout();
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  const infra = await leaseInfra(new LocalInfra(layout, log), external);
  const env: NodeJS.ProcessEnv = {
    SERVER_NAME: 'localhost',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: 'dev-secret-change-me',
    ...process.env,
    ...infra.env,
  };
  const supervisor = new Supervisor(
    SERVICES.map((s) => s.name),
    (name) => {
      const s = SERVICES.find((candidate) => candidate.name === name)!;
      return supervisedChild(
        spawn(process.execPath, [join(layout.projectRoot, 'scripts', 'run.js'), join(layout.projectRoot, s.entry)], {
          cwd: layout.projectRoot,
          env: { ...env, HTTP_PORT: String(s.port) },
          stdio: 'inherit',
        }),
      );
    },
    realClock,
    log,
  );
  supervisor.start();
  log(`keys-api:          http://127.0.0.1:${SERVICES[2].port}/_matrix/client/v3/keys/{upload,query,claim}`);
  log(`command-processor: http://127.0.0.1:${SERVICES[0].port}/health, projector: http://127.0.0.1:${SERVICES[1].port}/health; /metrics on each`);
  log(`kafka: ${env.KAFKA_BROKERS}  mongodb: ${env.MONGODB_URI}  auth: ${env.AUTH_MODE}`);
  const stop = async () => {
    await supervisor.stop();
    await infra.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => undefined);
  return 0;
}
