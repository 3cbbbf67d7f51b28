import { spawn } from 'node:child_process';
import { infraLayout } from './infra-layout';
import { LocalInfra } from './infra';
import { leaseInfra } from './infra-lease';
import { SynapseHomeserver } from './synapse-homeserver';

const log = (msg: string) => process.stderr.write(`[infra] ${msg}\n`);

/**
 * `infra provision|provision-synapse|start|stop|status|with -- <command...>`.
 * With KAFKA_BROKERS and MONGODB_URI set, nothing local is provisioned or started.
 * `provision-synapse` installs the homeserver of `system --with-synapse` and the gateway e2e tests.
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
    case 'with':
      return runWith(infra, external, rest[0] === '--' ? rest.slice(1) : rest);
    default:
      process.stderr.write('usage: infra provision|provision-synapse|start|stop|status|with -- <command...>\n');
      return 2;
  }
}

/** Runs a command with the infrastructure up; stops only what this call started. */
async function runWith(infra: LocalInfra, external: boolean, command: string[]): Promise<number> {
  if (command.length === 0) throw new Error('infra with: no command given');
  const lease = await leaseInfra(infra, external);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, ...lease.env }, shell: false });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  await lease.release();
  return code;
}
