import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ManagedProcess } from './processes';
import { SYNAPSE_LOG_CONFIG, SYNAPSE_VERSION, provisionSynapseVenv, unthrottled, waitForSynapse } from './synapse';

type Log = (msg: string) => void;

export interface HomeserverStart {
  readonly serverName: string;
  readonly port: number;
  /** The application-service registration(s) the homeserver loads. */
  readonly appserviceFiles: readonly string[];
  /** Where clients reach it (the gateway), for the links Synapse makes. */
  readonly publicBaseUrl?: string;
  /** A new, empty database (tests); otherwise accounts and rooms are kept between runs. */
  readonly fresh?: boolean;
}


/**
 * Synapse as the homeserver of the system (`system --with-synapse`, the gateway e2e tests): the
 * pinned PyPI Synapse in its own venv (`<root>/synapse-hs/venv`, SQLite only: nothing to compile,
 * unlike the peer bench's PostgreSQL driver), in `<root>/synapse-hs/<name>`, with open
 * registration (no verification) and the key server's application-service registration.
 */
export class SynapseHomeserver {
  readonly dir: string;
  private readonly venvDir: string;
  private readonly process: ManagedProcess;

  constructor(root: string, name: string, private readonly log: Log) {
    this.dir = join(root, 'synapse-hs', name);
    this.venvDir = join(root, 'synapse-hs');
    this.process = new ManagedProcess(join(this.dir, 'run'), 'synapse');
  }

  get logFile(): string {
    return this.process.logFile;
  }

  /** Installs Synapse from PyPI on the first run only. */
  provision(): string {
    return provisionSynapseVenv(this.venvDir, this.log);
  }

  async start(options: HomeserverStart): Promise<{ url: string; sharedSecret: string }> {
    const python = this.provision();
    await this.process.stop(); // one left over from an interrupted run holds the database
    if (options.fresh) rmSync(join(this.dir, 'data'), { recursive: true, force: true });
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    if (!existsSync(join(this.dir, 'homeserver.yaml'))) {
      // Synapse's own generator makes the signing key and secrets; overrides.yaml sets the rest.
      execFileSync(
        python,
        ['-m', 'synapse.app.homeserver', '--generate-config', '--server-name', options.serverName, '--report-stats', 'no',
          '--config-path', join(this.dir, 'homeserver.yaml'), '--config-directory', this.dir, '--data-directory', join(this.dir, 'data')],
        { stdio: 'pipe' },
      );
    }
    const sharedSecret = randomBytes(16).toString('hex');
    writeFileSync(join(this.dir, 'overrides.yaml'), JSON.stringify(this.overrides(options, sharedSecret), null, 2)); // JSON is YAML
    writeFileSync(join(this.dir, 'log.config.yaml'), SYNAPSE_LOG_CONFIG);
    this.process.start(python, ['-m', 'synapse.app.homeserver', '-c', join(this.dir, 'homeserver.yaml'), '-c', join(this.dir, 'overrides.yaml')], this.dir);
    const url = `http://127.0.0.1:${options.port}`;
    await waitForSynapse(url, this.process, 250);
    this.log(`synapse ${SYNAPSE_VERSION} (${options.serverName}) ready at ${url}`);
    return { url, sharedSecret };
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }

  private overrides(o: HomeserverStart, sharedSecret: string): Record<string, unknown> {
    return {
      server_name: o.serverName,
      ...(o.publicBaseUrl ? { public_baseurl: `${o.publicBaseUrl}/` } : {}),
      pid_file: join(this.dir, 'run', 'homeserver.pid'),
      log_config: join(this.dir, 'log.config.yaml'),
      media_store_path: join(this.dir, 'data', 'media_store'),
      listeners: [{ port: o.port, bind_addresses: ['127.0.0.1'], type: 'http', tls: false, x_forwarded: true, resources: [{ names: ['client'], compress: false }] }],
      database: { name: 'sqlite3', args: { database: join(this.dir, 'data', 'homeserver.db') } },
      app_service_config_files: [...o.appserviceFiles],
      registration_shared_secret: sharedSecret,
      enable_registration: true,
      enable_registration_without_verification: true, // a local development homeserver
      bcrypt_rounds: 4,
      report_stats: false,
      presence: { enabled: false },
      federation_domain_whitelist: [], // nothing leaves this machine
      trusted_key_servers: [],
      suppress_key_server_warning: true,
      ...unthrottled(),
    };
  }
}
