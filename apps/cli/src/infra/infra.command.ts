import { spawn } from 'node:child_process';
import { infraLayout } from './infra-layout';
import { LocalInfra } from './infra';
import { leaseInfra } from './infra-lease';
import { SynapseHomeserver } from './synapse-homeserver';
import { TestInfraChoice, chooseTestInfra, testInfraSignals } from './infra-choice';

const log = (msg: string) => process.stderr.write(`[infra] ${msg}\n`);

/**
 * `infra provision|provision-synapse|start|stop|status|with [--tests] -- <command...>`.
 * With KAFKA_BROKERS and MONGODB_URI set, nothing local is provisioned or started.
 * `provision-synapse` installs the homeserver of `system --with-synapse` and the gateway e2e tests.
 * `with --tests` (the test tiers of `npm test`) runs Kafka and MongoDB as containers when a
 * container engine is present, else as local processes (TEST_INFRA: auto, local, containers).
 */
export async function infraCommand(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  const infra = new LocalInfra(infraLayout(), log);
  switch (action) {
    case 'provision':
      if (!external) infra.provision();
      return 0;
    case 'provision-synapse':
      new SynapseHomeserver(infraLayout().root, 'provision', log).provision();
      return 0;
    case 'start':
      if (external) log('KAFKA_BROKERS and MONGODB_URI are set: using them, starting nothing');
      else await infra.start();
      return 0;
    case 'stop':
      await infra.stop();
      return 0;
    case 'status': {
      const status = external ? { kafka: process.env.KAFKA_BROKERS, mongodb: process.env.MONGODB_URI, local: 'not used' } : await infra.status();
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return 0;
    }
    case 'with': {
      const tests = rest[0] === '--tests';
      const command = tests ? rest.slice(1) : rest;
      const choice = tests ? chooseTestInfra(testInfraSignals(process.env)) : undefined;
      return runWith(infra, external, command[0] === '--' ? command.slice(1) : command, choice);
    }
    default:
      process.stderr.write('usage: infra provision|provision-synapse|start|stop|status|with [--tests] -- <command...>\n');
      return 2;
  }
}

/** Runs a command with the infrastructure up; stops only what this call started. */
async function runWith(infra: LocalInfra, external: boolean, command: string[], choice?: TestInfraChoice): Promise<number> {
  if (command.length === 0) throw new Error('infra with: no command given');
  const lease = choice ? await leaseForTests(infra, choice) : await leaseInfra(infra, external);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, ...lease.env }, shell: false });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  await lease.release();
  return code;
}

/** The test tiers' infrastructure as chosen; an automatic containers choice falls back to local. */
async function leaseForTests(infra: LocalInfra, choice: TestInfraChoice): ReturnType<typeof leaseInfra> {
  log(`test infrastructure: ${choice.kind} (${choice.reason})`);
  if (choice.kind !== 'containers') return leaseInfra(infra, choice.kind === 'external');
  const { startTestContainers } = await import('./container-infra');
  try {
    return await startTestContainers(log);
  } catch (err) {
    if (!choice.auto) throw err;
    log(`containers did not start (${(err as Error).message}); using the local processes (TEST_INFRA=local skips the attempt)`);
    return leaseInfra(infra, false);
  }
}
