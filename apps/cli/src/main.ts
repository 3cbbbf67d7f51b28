import 'reflect-metadata';
import { appserviceCommand } from './appservice/appservice.command';
import { generateCommand } from './generate/generate.command';
import { infraCommand } from './infra/infra.command';
import { replayCommand } from './replay/replay.command';
import { systemCommand } from './system/system.command';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  'appservice-registration': appserviceCommand,
  generate: generateCommand,
  infra: infraCommand,
  replay: replayCommand,
  system: systemCommand,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`usage: cli <${Object.keys(COMMANDS).join('|')}> ...\n`);
    process.exit(2);
  }
  process.exit(await command(args));
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
