import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ManagedProcess, freePort, sleep } from './processes';
import { LocalPostgres } from './postgres';

type Log = (msg: string) => void;

export const SYNAPSE_VERSION = '1.163.2';
export const SYNAPSE_SERVER_NAME = 'peer.local';

/** A very high limit: the peer bench measures the server's work, not its throttling. */
const UNLIMITED = { per_second: 1_000_000, burst_count: 1_000_000 };

/** Every rate limit of Synapse's config set out of reach (benches and tests drive it hard from one address). */
export function unthrottled(): Record<string, unknown> {
  return {
    ...Object.fromEntries(
      ['rc_message', 'rc_registration', 'rc_room_creation', 'rc_key_requests', 'rc_admin_redaction', 'rc_3pid_validation', 'rc_delayed_event_mgmt', 'rc_reports', 'rc_media_create'].map((k) => [
        k,
        UNLIMITED,
      ]),
    ),
    rc_presence: { per_user: UNLIMITED },
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    rc_joins_per_room: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
  };
}

/**
 * Synapse from PyPI (pinned) in a venv, on a private PostgreSQL cluster, all under `<root>/synapse`
 * and `<root>/postgres`: the reference homeserver the `peer` bench compares the key server with.
 * Provisioning is idempotent and cached; every start gets a fresh database and free ports.
 */
export class LocalSynapse {
  readonly dir: string;
  readonly postgres: LocalPostgres;
  private readonly process: ManagedProcess;
  private readonly python: string;

  constructor(root: string, private readonly log: Log) {
    this.dir = join(root, 'synapse');
    this.postgres = new LocalPostgres(join(root, 'postgres'), log);
    this.process = new ManagedProcess(join(this.dir, 'run'), 'synapse');
    this.python = join(this.dir, 'venv', 'bin', 'python');
  }

  provision(): void {
    this.postgres.provision();
    provisionSynapseVenv(this.dir, this.log, 'postgres');
    if (!existsSync(join(this.dir, 'homeserver.yaml'))) {
      // Synapse's own generator makes the signing key and secrets; bench.yaml overrides the rest.
      execFileSync(
        this.python,
        ['-m', 'synapse.app.homeserver', '--generate-config', '--server-name', SYNAPSE_SERVER_NAME, '--report-stats', 'no',
          '--config-path', join(this.dir, 'homeserver.yaml'), '--config-directory', this.dir, '--data-directory', join(this.dir, 'data')],
        { stdio: 'pipe' },
      );
    }
  }

  /** Starts PostgreSQL (fresh `synapse` database) and Synapse; resolves once /versions answers. */
  async start(): Promise<{ url: string; sharedSecret: string }> {
    this.provision();
    await this.process.stop(); // a Synapse left over from an interrupted run holds the database
    const pgPort = await this.postgres.start();
    this.postgres.recreateDatabase(pgPort, 'synapse');
    const port = await freePort();
    const sharedSecret = randomBytes(16).toString('hex');
    writeFileSync(join(this.dir, 'bench.yaml'), JSON.stringify(this.overrides(port, pgPort, sharedSecret), null, 2)); // JSON is YAML
    writeFileSync(join(this.dir, 'log.config.yaml'), SYNAPSE_LOG_CONFIG);
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    this.process.start(this.python, ['-m', 'synapse.app.homeserver', '-c', join(this.dir, 'homeserver.yaml'), '-c', join(this.dir, 'bench.yaml')], this.dir);
    const url = `http://127.0.0.1:${port}`;
    await waitForSynapse(url, this.process, 500);
    this.log(`synapse ${SYNAPSE_VERSION} ready at ${url} (postgres on 127.0.0.1:${pgPort})`);
    return { url, sharedSecret };
  }

  async stop(): Promise<void> {
    await this.process.stop();
    await this.postgres.stop();
  }

  /** Top-level keys that replace those of the generated homeserver.yaml. */
  private overrides(port: number, pgPort: number, sharedSecret: string): Record<string, unknown> {
    return {
      pid_file: join(this.dir, 'run', 'homeserver.pid'),
      log_config: join(this.dir, 'log.config.yaml'),
      media_store_path: join(this.dir, 'data', 'media_store'),
      listeners: [{ port, bind_addresses: ['127.0.0.1'], type: 'http', tls: false, x_forwarded: false, resources: [{ names: ['client'], compress: false }] }],
      database: { name: 'psycopg2', args: { user: 'synapse', database: 'synapse', host: '127.0.0.1', port: pgPort, cp_min: 5, cp_max: 10 } },
      registration_shared_secret: sharedSecret,
      enable_registration: false,
      bcrypt_rounds: 4, // registration is setup, not a measured scenario
      report_stats: false,
      enable_metrics: false,
      presence: { enabled: false },
      federation_domain_whitelist: [], // no federation: nothing leaves this machine
      trusted_key_servers: [],
      suppress_key_server_warning: true,
      ...unthrottled(),
    };
  }
}

/** Synapse's log config: warnings and worse, to its console (the managed process's log file). */
/** Waits up to 180 s for a starting Synapse to answer /versions; fails at once if it exits. */
export async function waitForSynapse(url: string, process: ManagedProcess, pollMs: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const ok = await fetch(`${url}/_matrix/client/versions`).then((r) => r.ok, () => false);
    if (ok) return;
    if (process.pid() === null) throw new Error(`synapse exited while starting; see ${process.logFile}`);
    if (Date.now() > deadline) throw new Error(`synapse not ready after 180 s; see ${process.logFile}`);
    await sleep(pollMs);
  }
}

export const SYNAPSE_LOG_CONFIG = `version: 1
formatters:
  precise:
    format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s'
handlers:
  console:
    class: logging.StreamHandler
    formatter: precise
root:
  level: WARNING
  handlers: [console]
disable_existing_loggers: false
`;

/**
 * `<dir>/venv` with matrix-synapse (pinned) from PyPI, and the given extra (`postgres` builds
 * psycopg2, which needs libpq's headers); idempotent. Returns the venv's python.
 */
export function provisionSynapseVenv(dir: string, log: Log, extra?: string): string {
  const marker = join(dir, 'venv', `.matrix-synapse-${SYNAPSE_VERSION}`);
  if (!existsSync(marker)) {
    log(`installing matrix-synapse ${SYNAPSE_VERSION} from PyPI into a venv (first run only)...`);
    // Built in place (a venv's scripts name its absolute path); the marker says it is complete.
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, 'venv'), { recursive: true, force: true });
    execFileSync(pickPython(), ['-m', 'venv', join(dir, 'venv')], { stdio: 'inherit' });
    execFileSync(join(dir, 'venv', 'bin', 'pip'), ['install', '-q', `matrix-synapse${extra ? `[${extra}]` : ''}==${SYNAPSE_VERSION}`], { stdio: 'inherit' });
    writeFileSync(marker, '');
  }
  return join(dir, 'venv', 'bin', 'python');
}

/** Python 3.11 was seen to work with this Synapse; any 3.10+ should. */
function pickPython(): string {
  for (const candidate of ['python3.11', 'python3.12', 'python3.10', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import sys, venv; sys.exit(sys.version_info < (3, 10))']).status === 0) return candidate;
  }
  throw new Error('Synapse needs Python 3.10+ with venv (apt-get install python3-venv)');
}
