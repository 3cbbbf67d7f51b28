import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { suiteEnv } from '../helpers/suite-env';
import { systemForSuite } from '../helpers/system';
import { startSynapseSystem } from '../helpers/synapse-system';

/**
 * Issue 15's end-to-end test: unmodified matrix-js-sdk clients (Rust crypto) whose homeserver url
 * is the gateway, beside a real Synapse and the key server. The clients run in a child process
 * (clients/js-sdk-scenario.ts: an ES module Jest cannot load); this test reads what they saw.
 */
describe('matrix-js-sdk through the gateway', () => {
  const env = suiteEnv('js-sdk');
  const system = systemForSuite(env, () => startSynapseSystem(env));

  it('two users exchange encrypted messages; a second device joins and decrypts; its logout removes it', async () => {
    const root = join(__dirname, '..', '..');
    const lines: Record<string, unknown>[] = [];
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(root, 'scripts', 'run.js'), join(__dirname, 'clients', 'js-sdk-scenario.ts'), system.gatewayUrl], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          output.push(line);
          if (line.startsWith('{"')) lines.push(JSON.parse(line));
        }
      });
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    const done = lines.find((l) => 'done' in l)?.done as { first: string; second: string; remaining: string[]; bobDevice: string } | undefined;
    if (code !== 0 || !done) throw new Error(`client scenario failed (exit ${code}); synapse log: ${system.synapseLog}\n${output.slice(-40).join('\n')}`);
    expect(lines.filter((l) => 'step' in l).map((l) => l.step)).toEqual([
      'clients started',
      'room encrypted',
      'bob decrypted',
      'bob logged in a second device',
      'alice saw bob in device_lists.changed',
      'bob phone decrypted',
      'bob phone gone from /keys/query',
    ]);
    expect(done.first).toBe('hello bob');
    expect(done.second).toBe('hello bob phone');
    expect(done.remaining).toEqual([done.bobDevice]);
  }, 180_000);
});
