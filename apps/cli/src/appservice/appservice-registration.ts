import { randomBytes } from 'node:crypto';

/** The application-service registration that makes a homeserver push memberships to the keys-api. */
export interface AppserviceRegistration {
  readonly id: string;
  readonly url: string;
  readonly asToken: string;
  readonly hsToken: string;
  readonly senderLocalpart: string;
  /** Every local user, not exclusively: interest in them is what makes their rooms' events pushed. */
  readonly userRegex: string;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function newRegistration(serverName: string, keysApiUrl: string, random: (n: number) => Buffer = randomBytes): AppserviceRegistration {
  return {
    id: 'e2ee-keyserver',
    url: keysApiUrl,
    asToken: random(24).toString('hex'),
    hsToken: random(24).toString('hex'),
    senderLocalpart: '_e2ee_keyserver',
    userRegex: `@.*:${escapeRegex(serverName)}`,
  };
}

/** YAML (every value a JSON string, which YAML reads as it is). */
export function registrationYaml(r: AppserviceRegistration): string {
  const q = (v: string) => JSON.stringify(v);
  return [
    '# Application-service registration of the e2ee key server (written by `npm run cli -- appservice-registration`).',
    '# List it under app_service_config_files in homeserver.yaml; start the keys-api with APPSERVICE_HS_TOKEN = hs_token.',
    `id: ${q(r.id)}`,
    `url: ${q(r.url)}`,
    `as_token: ${q(r.asToken)}`,
    `hs_token: ${q(r.hsToken)}`,
    `sender_localpart: ${q(r.senderLocalpart)}`,
    'rate_limited: false',
    'namespaces:',
    '  users:',
    '    - exclusive: false',
    `      regex: ${q(r.userRegex)}`,
    '  rooms:',
    '    - exclusive: false',
    `      regex: ${q('!.*')}`,
    '  aliases: []',
    '',
  ].join('\n');
}
