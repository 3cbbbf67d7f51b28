import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './processes';

type Log = (msg: string) => void;

/**
 * A private PostgreSQL 15 cluster in `<dir>` (data/, sock/, postgres.log) on a free loopback port,
 * for Synapse beside the key server (Synapse recommends PostgreSQL; Debian 12 ships 15). The
 * superuser is `synapse` with trust auth on 127.0.0.1 only. initdb refuses to run as root, so as
 * root every server-side command runs as the `postgres` user (created by Debian's package).
 */
export class LocalPostgres {
  private readonly data: string;
  private bin = '';

  constructor(private readonly dir: string, private readonly log: Log) {
    this.data = join(dir, 'data');
  }

  /** Installs PostgreSQL 15 from Debian when its binaries are missing, then runs initdb once. */
  provision(): void {
    this.bin = findPgBin() ?? this.install();
    if (existsSync(join(this.data, 'PG_VERSION'))) return;
    this.log(`initdb of a private PostgreSQL cluster in ${this.data} (first run only)...`);
    mkdirSync(join(this.dir, 'sock'), { recursive: true });
    this.ownByServerUser(this.dir);
    // C locale and UTF8: what Synapse requires of its database.
    this.asServerUser('initdb', ['-D', this.data, '-U', 'synapse', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  }

  /** Starts the cluster unless it runs already; returns its port. */
  async start(): Promise<number> {
    this.provision();
    const running = this.runningPort();
    if (running !== null) return running;
    const port = await freePort();
    const options = `-p ${port} -k ${join(this.dir, 'sock')} -c listen_addresses=127.0.0.1`;
    this.asServerUser('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', '-o', options, 'start']);
    return port;
  }

  /** A fresh, empty database (dropped first): each bench run starts from the same state. */
  recreateDatabase(port: number, name: string): void {
    for (const sql of [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`, `CREATE DATABASE ${name}`]) {
      execFileSync(join(this.bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'synapse', '-d', 'postgres', '-q', '-c', sql], { stdio: 'pipe' });
    }
  }

  version(): string {
    return execFileSync(join(this.bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  }

  async stop(): Promise<void> {
    if (this.runningPort() === null) return;
    this.asServerUser('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  /** The port of a running cluster, from postmaster.pid (line 4), or null. */
  private runningPort(): number | null {
    const status = this.asServerUser('pg_ctl', ['-D', this.data, 'status'], false);
    if (!status) return null;
    const lines = readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n');
    return Number(lines[3]);
  }

  private install(): string {
    if (process.getuid?.() !== 0) throw new Error('PostgreSQL 15 is missing: install it (apt-get install postgresql-15) or run as root');
    this.log('installing PostgreSQL 15 from Debian (first run only)...');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql-15'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const bin = findPgBin();
    if (!bin) throw new Error('postgresql-15 installed but pg_ctl not found');
    return bin;
  }

  private ownByServerUser(dir: string): void {
    if (process.getuid?.() !== 0) return;
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
    for (const entry of readdirSync(dir)) chownSync(join(dir, entry), uid, gid);
  }

  /** Runs a server binary, as `postgres` when we are root; with check=false returns success instead of throwing. */
  private asServerUser(tool: string, args: string[], check = true): boolean {
    const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(this.bin, tool), ...args]] : [join(this.bin, tool), args];
    const r = spawnSync(cmd, argv as string[], { encoding: 'utf8' });
    if (check && r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.status === 0;
  }
}

/** The folder of pg_ctl: PostgreSQL 15's Debian folder first, then PATH. */
function findPgBin(): string | null {
  if (existsSync('/usr/lib/postgresql/15/bin/pg_ctl')) return '/usr/lib/postgresql/15/bin';
  const r = spawnSync('sh', ['-c', 'dirname "$(readlink -f "$(command -v pg_ctl)")"'], { encoding: 'utf8' });
  const dir = r.stdout.trim();
  return r.status === 0 && existsSync(join(dir, 'initdb')) ? dir : null;
}
