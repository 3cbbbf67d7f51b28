import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { removeDeployment } from '@app/platform';
import { LocalInfra } from '../infra/infra';
import { leaseInfra } from '../infra/infra-lease';
import { infraLayout } from '../infra/infra-layout';
import { generateLoad } from './generate-load';
import { startLocalSystem } from './local-system';
import { writeReport } from './report';

const USAGE = `usage: generate --mode kafka|http|events [options]
  modes:      kafka (hs.events + e2ee.commands), http (as clients), events (decided here, straight to e2ee.events: fills the log fast)
  population: --users 1000 --rooms 100 --max-room 10000 --zipf 1 --whales 1 --whale-devices 1000 --encrypted 0.7
  traffic:    --seed 1 --rate 100 (ops/s, 0 = unpaced) --duration 60 (s) --operations N --concurrency 32
              --no-setup --otk 50 (one-time keys kept per device) --storm 50 (queriers when a room turns encryption on)
  target:     --url http://host:port (http mode; without it the services are started here) --system (start them in kafka mode too)
              --jwt-secret S (AUTH_JWT_SECRET) --as-token T (APPSERVICE_HS_TOKEN) --prefix P (KAFKA_TOPIC_PREFIX) --server-name N
  output:     --out DIR (report.json + report.html) --drain 120 (s to wait for the pipeline) --cleanup (delete the run's topics and database)`;

function parseArgs(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}\n${USAGE}`);
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(a.slice(2), 'true');
    else out.set(a.slice(2), args[++i]);
  }
  return out;
}

/**
 * `generate`: a synthetic, seeded population and its traffic, straight into Kafka (hs.events and
 * e2ee.commands) or over HTTP, with a progress bar; writes report.json and report.html.
 */
export async function generateCommand(args: string[]): Promise<number> {
  const a = parseArgs(args);
  const mode = a.get('mode');
  if (mode !== 'kafka' && mode !== 'http' && mode !== 'events') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (mode === 'events' && a.has('system')) {
    process.stderr.write('events mode writes what the command-processor would; it cannot run beside one (--system)\n');
    return 2;
  }
  const num = (name: string, fallback: number) => {
    const v = a.has(name) ? Number(a.get(name)) : fallback;
    if (!Number.isFinite(v) && v !== Infinity) throw new Error(`--${name} must be a number`);
    return v;
  };
  const log = (msg: string) => process.stderr.write(`[generate] ${msg}\n`);
  const layout = infraLayout();
  const external = Boolean(process.env.KAFKA_BROKERS && process.env.MONGODB_URI);
  // Against a running system (its Kafka and FerretDB already up) nothing is stopped at the end.
  const infra = await leaseInfra(new LocalInfra(layout, log), external);
  const startSystem = (mode === 'http' && !a.has('url')) || a.has('system');
  const id = randomBytes(3).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...infra.env,
    SERVER_NAME: a.get('server-name') ?? process.env.SERVER_NAME ?? 'localhost',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: a.get('jwt-secret') ?? process.env.AUTH_JWT_SECRET ?? 'dev-secret-change-me',
    APPSERVICE_HS_TOKEN: a.get('as-token') ?? process.env.APPSERVICE_HS_TOKEN ?? (startSystem ? `hs-${id}` : undefined),
    KAFKA_TOPIC_PREFIX: a.get('prefix') ?? process.env.KAFKA_TOPIC_PREFIX ?? (startSystem ? `gen.${id}.` : ''),
    MONGODB_DB: process.env.MONGODB_DB ?? (startSystem ? `gen_${id}` : 'e2ee'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    // For the services it starts: the load (whale devices claimed by everyone, query storms) is the
    // subject, not the request limits; RATE_LIMITS=on in the environment measures them instead.
    RATE_LIMITS: process.env.RATE_LIMITS ?? 'off',
  };
  let system: Awaited<ReturnType<typeof startLocalSystem>> | undefined;
  try {
    if (startSystem) system = await startLocalSystem(layout.projectRoot, env, log);
    const report = await generateLoad(
      {
        mode,
        population: {
          users: num('users', 1000),
          rooms: num('rooms', 100),
          maxRoomSize: num('max-room', 10_000),
          zipfExponent: num('zipf', 1),
          whales: num('whales', 1),
          whaleDevices: num('whale-devices', 1000),
          encryptedShare: num('encrypted', 0.7),
          serverName: env.SERVER_NAME!,
        },
        seed: num('seed', 1),
        setup: !a.has('no-setup'),
        rate: num('rate', 100),
        durationSeconds: num('duration', 60),
        operations: num('operations', Infinity),
        concurrency: num('concurrency', mode === 'http' ? 32 : 256),
        oneTimeKeys: num('otk', 50),
        stormQueriers: num('storm', 50),
        drainSeconds: num('drain', 120),
        progress: process.stderr.isTTY === true || a.has('progress'),
        http:
          mode === 'http' ? { url: a.get('url') ?? system!.url, jwtSecret: env.AUTH_JWT_SECRET!, appserviceToken: env.APPSERVICE_HS_TOKEN ?? null } : undefined,
        log,
      },
      env,
    );
    const files = writeReport(a.get('out') ?? join('generate-report', new Date().toISOString().replace(/[:.]/g, '-')), report);
    process.stdout.write(
      `${JSON.stringify({ phases: report.phases, endpoints: report.endpoints, drained: report.drained, skipped: report.skipped }, null, 2)}\n`,
    );
    log(`report: ${files.json}, ${files.html}`);
    return 0;
  } finally {
    await system?.stop();
    if (a.has('cleanup')) await cleanUp(env);
    await infra.release();
  }
}

function cleanUp(env: NodeJS.ProcessEnv): Promise<void> {
  return removeDeployment(env, 'generate-cleanup');
}
