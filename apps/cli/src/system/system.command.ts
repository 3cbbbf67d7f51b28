import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { infraLayout } from '../infra/infra-layout';
import { LocalInfra } from '../infra/infra';

const SERVICES = [
  { name: 'command-processor', entry: 'apps/command-processor/src/main.ts', port: 8081 },
  { name: 'projector', entry: 'apps/projector/src/main.ts', port: 8082 },
  { name: 'keys-api', entry: 'apps/keys-api/src/main.ts', port: Number(process.env.HTTP_PORT ?? 8080) },
];

/**
 * `system`: the whole thing on one machine. Local Kafka and FerretDB (unless KAFKA_BROKERS and
 * MONGODB_URI are set), then the three services; Ctrl-C stops everything it started.
 */
export async function systemCommand(): Promise<number> {
  const log = (msg: string) => process.stderr.write(`[system] ${msg}\n`);
  const layout = infraLayout();
  const infra = new LocalInfra(layout, log);
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  if (!external) await infra.start();
  const env: NodeJS.ProcessEnv = {
    SERVER_NAME: 'localhost',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: 'dev-secret-change-me',
    ...process.env,
    ...(external ? {} : infra.env),
  };
  const children: ChildProcess[] = SERVICES.map((s) =>
    spawn(process.execPath, [join(layout.projectRoot, 'scripts', 'run.js'), join(layout.projectRoot, s.entry)], {
      cwd: layout.projectRoot,
      env: { ...env, HTTP_PORT: String(s.port) },
      stdio: 'inherit',
    }),
  );
  log(`keys-api:          http://127.0.0.1:${SERVICES[2].port}/_matrix/client/v3/keys/{upload,query,claim}`);
  log(`command-processor: http://127.0.0.1:${SERVICES[0].port}/health, projector: http://127.0.0.1:${SERVICES[1].port}/health; /metrics on each`);
  log(`kafka: ${env.KAFKA_BROKERS}  mongodb: ${env.MONGODB_URI}  auth: ${env.AUTH_MODE}`);
  const stop = async () => {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
    if (!external) await infra.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise(() => undefined);
  return 0;
}
