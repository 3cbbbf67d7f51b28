import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A detached server process tracked by a pid file in the run folder. */
export class ManagedProcess {
  constructor(private readonly runDir: string, readonly name: string) {}

  private get pidFile(): string {
    return join(this.runDir, `${this.name}.pid`);
  }

  get logFile(): string {
    return join(this.runDir, `${this.name}.log`);
  }

  pid(): number | null {
    if (!existsSync(this.pidFile)) return null;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && isAlive(pid) ? pid : null;
  }

  start(command: string, args: string[], cwd: string): number {
    mkdirSync(this.runDir, { recursive: true });
    const out = openSync(this.logFile, 'a');
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', out, out] });
    child.unref();
    writeFileSync(this.pidFile, String(child.pid));
    return child.pid!;
  }

  async stop(timeoutMs = 30_000): Promise<void> {
    const pid = this.pid();
    if (pid !== null) {
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + timeoutMs;
      while (isAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.pidFile, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
