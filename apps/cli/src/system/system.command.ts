import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newRegistration, registrationYaml } from '../appservice/appservice-registration';
import { infraLayout } from '../infra/infra-layout';
import { LocalInfra } from '../infra/infra';
import { leaseInfra } from '../infra/infra-lease';
import { sleep } from '../infra/processes';
import { SynapseHomeserver } from '../infra/synapse-homeserver';
import { supervisedChild } from './child-process';
import { Supervisor } from './supervisor';
import { Homeserver, ServiceSpec, plannedServices, systemPorts } from './system-plan';

const realClock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * `system [--with-synapse]`: the whole thing on one machine. Local Kafka and FerretDB (unless
 * KAFKA_BROKERS and MONGODB_URI are set), then the services, each restarted with backoff when it
 * exits on its own. With HOMESERVER_URL, the gateway stands in front of that homeserver; with
 * --with-synapse, a local Synapse (PyPI, SQLite, open registration) is the homeserver, pushing
 * memberships to the keys-api, which checks tokens with it. Ctrl-C stops what this command started.
 */
export async function systemCommand(args: string[] = []): Promise<number> {
  const log = (msg: string) => process.stderr.write(`[system] ${msg}\n`);
  const withSynapse = args.includes('--with-synapse');
  const layout = infraLayout();
  const ports = systemPorts(process.env);
  const serverName = process.env.SERVER_NAME || 'localhost';
  const synapse = withSynapse ? new SynapseHomeserver(layout.root, serverName, log) : null;
  synapse?.provision(); // before anything starts: the first run installs it from PyPI
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  const infra = await leaseInfra(new LocalInfra(layout, log), external);
  const env: NodeJS.ProcessEnv = { SERVER_NAME: serverName, AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'dev-secret-change-me', ...process.env, ...infra.env };

  let homeserver: Homeserver = process.env.HOMESERVER_URL ? { kind: 'external', url: process.env.HOMESERVER_URL } : { kind: 'none' };
  let registrationFile = '';
  if (synapse) {
    const registration = newRegistration(serverName, `http://127.0.0.1:${ports.keysApi}`);
    mkdirSync(synapse.dir, { recursive: true });
    registrationFile = join(synapse.dir, 'keyserver-registration.yaml');
    writeFileSync(registrationFile, registrationYaml(registration), { mode: 0o600 });
    homeserver = { kind: 'synapse', url: `http://127.0.0.1:${ports.synapse}`, hsToken: registration.hsToken };
  }
  const plan = plannedServices(ports, homeserver);
  const supervise = (specs: ServiceSpec[]) => {
    const supervisor = new Supervisor(
      specs.map((s) => s.name),
      (name) => {
        const s = specs.find((candidate) => candidate.name === name)!;
        return supervisedChild(
          spawn(process.execPath, [join(layout.projectRoot, 'scripts', 'run.js'), join(layout.projectRoot, s.entry)], {
            cwd: layout.projectRoot,
            env: { ...env, ...s.env, HTTP_PORT: String(s.port) },
            stdio: 'inherit',
          }),
        );
      },
      realClock,
      log,
    );
    supervisor.start();
    return supervisor;
  };

  const core = supervise(plan.core);
  let front: Supervisor | null = null;
  const stop = async () => {
    await front?.stop();
    await synapse?.stop();
    await core.stop();
    await infra.release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  log(`keys-api:          http://127.0.0.1:${ports.keysApi}/_matrix/client/v3/keys/{upload,query,claim}`);
  log(`command-processor: http://127.0.0.1:${ports.processor}/health, projector: http://127.0.0.1:${ports.projector}/health; /metrics on each`);
  log(`kafka: ${env.KAFKA_BROKERS}  mongodb: ${env.MONGODB_URI}  auth: ${plan.core[2].env.AUTH_MODE ?? env.AUTH_MODE}`);
  if (synapse) {
    // The keys-api first: Synapse pushes memberships from its first second, and backs off from a service that does not answer.
    await untilAnswers(`http://127.0.0.1:${ports.keysApi}/health`);
    try {
      await synapse.start({ serverName, port: ports.synapse, appserviceFiles: [registrationFile], publicBaseUrl: `http://127.0.0.1:${ports.gateway}` });
    } catch (err) {
      log((err as Error).message);
      await stop();
    }
    log(`synapse:           ${homeserver.kind === 'synapse' ? homeserver.url : ''} (server name ${serverName}, registration open; log ${synapse.logFile})`);
  }
  if (plan.gateway) {
    front = supervise([plan.gateway]);
    log(`gateway:           http://127.0.0.1:${ports.gateway}  <- give this to Matrix clients as the homeserver url`);
  }
  await new Promise(() => undefined);
  return 0;
}

async function untilAnswers(url: string): Promise<void> {
  for (;;) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(250);
  }
}
