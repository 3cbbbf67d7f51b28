import { ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../infra/processes';

const SERVICES = ['apps/command-processor/src/main.ts', 'apps/projector/src/main.ts', 'apps/keys-api/src/main.ts'];

async function waitReady(url: string, deadline: number): Promise<void> {
  for (;;) {
    const ok = await fetch(url)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The three services as child processes on free ports (the CLI does not import the apps), for
 * `generate` runs that bring their own system: returns the keys-api URL and a stop function.
 */
export async function startLocalSystem(
  projectRoot: string,
  env: NodeJS.ProcessEnv,
  log: (msg: string) => void,
): Promise<{ url: string; stop: () => Promise<void>; pids: number[] }> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = SERVICES.map((entry, i) =>
    spawn(process.execPath, [join(projectRoot, 'scripts', 'run.js'), join(projectRoot, entry)], {
      cwd: projectRoot,
      env: { ...env, HTTP_PORT: String(ports[i]), HTTP_HOST: '127.0.0.1' },
      // GENERATE_SERVICE_LOG=<file>: the services' JSON logs, for finding out why something stalled.
      stdio: ['ignore', env.GENERATE_SERVICE_LOG ? openSync(env.GENERATE_SERVICE_LOG, 'a') : 'ignore', 'inherit'],
    }),
  );
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
  };
  try {
    const deadline = Date.now() + 120_000;
    for (const port of ports) await waitReady(`http://127.0.0.1:${port}/health/ready`, deadline);
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `http://127.0.0.1:${ports[2]}`;
  log(`services up: keys-api ${url}, processor :${ports[0]}, projector :${ports[1]}`);
  return { url, stop, pids: children.flatMap((c) => (c.pid === undefined ? [] : [c.pid])) };
}
