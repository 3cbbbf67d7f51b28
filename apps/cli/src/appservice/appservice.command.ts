import { writeFileSync } from 'node:fs';
import { newRegistration, registrationYaml } from './appservice-registration';

/**
 * `appservice-registration --server-name <name> --keys-api-url <url> [--out <file>]`: writes the
 * registration (random tokens) for the homeserver and prints the APPSERVICE_HS_TOKEN for the keys-api.
 */
export async function appserviceCommand(args: string[]): Promise<number> {
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const serverName = option('server-name');
  const url = option('keys-api-url');
  if (!serverName || !url || !/^https?:\/\/\S+$/.test(url)) {
    process.stderr.write('usage: appservice-registration --server-name <name> --keys-api-url <http(s) url> [--out <file>]\n');
    return 2;
  }
  const registration = newRegistration(serverName, url);
  const out = option('out') ?? 'e2ee-keyserver-registration.yaml';
  writeFileSync(out, registrationYaml(registration), { mode: 0o600 });
  process.stdout.write(`wrote ${out}; start the keys-api with APPSERVICE_HS_TOKEN=${registration.hsToken}\n`);
  return 0;
}
