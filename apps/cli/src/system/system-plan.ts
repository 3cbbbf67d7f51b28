/** One supervised service of `npm run system`. */
export interface ServiceSpec {
  readonly name: string;
  readonly entry: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
}

export interface SystemPorts {
  readonly keysApi: number;
  readonly processor: number;
  readonly projector: number;
  readonly gateway: number;
  readonly synapse: number;
}

export function systemPorts(env: NodeJS.ProcessEnv): SystemPorts {
  const port = (name: string, fallback: number) => (env[name] ? Number(env[name]) : fallback);
  return {
    keysApi: port('HTTP_PORT', 8080),
    processor: port('PROCESSOR_PORT', 8081),
    projector: port('PROJECTOR_PORT', 8082),
    gateway: port('GATEWAY_PORT', 8008),
    synapse: port('SYNAPSE_PORT', 8083),
  };
}

/** What the homeserver side is: none (JWT auth, no gateway), one given by HOMESERVER_URL, or the local Synapse. */
export type Homeserver =
  | { readonly kind: 'none' }
  | { readonly kind: 'external'; readonly url: string }
  | { readonly kind: 'synapse'; readonly url: string; readonly hsToken: string };

/** The key server's three services, and the gateway whenever there is a homeserver to stand in front of. */
export function plannedServices(ports: SystemPorts, homeserver: Homeserver): { core: ServiceSpec[]; gateway: ServiceSpec | null } {
  const keysApiEnv: Record<string, string> =
    homeserver.kind === 'synapse' ? { AUTH_MODE: 'homeserver', HOMESERVER_URL: homeserver.url, APPSERVICE_HS_TOKEN: homeserver.hsToken } : {};
  const core = [
    { name: 'command-processor', entry: 'apps/command-processor/src/main.ts', port: ports.processor, env: {} },
    { name: 'projector', entry: 'apps/projector/src/main.ts', port: ports.projector, env: {} },
    { name: 'keys-api', entry: 'apps/keys-api/src/main.ts', port: ports.keysApi, env: keysApiEnv },
  ];
  if (homeserver.kind === 'none') return { core, gateway: null };
  const gateway = {
    name: 'gateway',
    entry: 'apps/gateway/src/main.ts',
    port: ports.gateway,
    env: { HOMESERVER_URL: homeserver.url, KEYSERVER_URL: `http://127.0.0.1:${ports.keysApi}` },
  };
  return { core, gateway };
}
