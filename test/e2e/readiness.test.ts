import { DECIDERS_CACHE_MS } from '../../apps/keys-api/src/readiness/command-deciders.check';
import { suiteEnv } from '../helpers/suite-env';
import { ServiceProcess, startApiBeside, systemForSuite } from '../helpers/system';
import { MatrixClient } from '../helpers/matrix-client';

/**
 * The keys-api's readiness follows whether commands are being decided: a command-processor killed
 * with SIGKILL makes /health/ready answer 503 once Kafka drops it from the consumer group (its
 * session timeout, 10 s) plus the check's cache period, and a restarted one makes it ready again.
 */
describe('keys-api readiness follows the command-processor', () => {
  const env = suiteEnv('readiness');
  const processor = ServiceProcess.processor(env);
  const api = systemForSuite(env, () => startApiBeside(processor, env));

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function readyWithin(ms: number, status: number): Promise<{ status: number; body: any; afterMs: number }> {
    const client = new MatrixClient(api.url);
    const started = Date.now();
    for (;;) {
      const result = await client.request('GET', '/health/ready');
      if (result.status === status || Date.now() - started > ms) return { ...result, afterMs: Date.now() - started };
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('answers 503 naming the check once no processor is left, and 200 again after a restart', async () => {
    const SESSION_TIMEOUT_MS = 10_000;
    expect(await readyWithin(SESSION_TIMEOUT_MS + DECIDERS_CACHE_MS, 200)).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { 'command-processors': 'ok' } },
    });

    await processor.kill('SIGKILL');
    const down = await readyWithin(SESSION_TIMEOUT_MS + DECIDERS_CACHE_MS + 3000, 503);
    expect(down).toMatchObject({
      status: 503,
      body: {
        status: 'unavailable',
        checks: { 'command-processors': expect.stringMatching(/^down: no command-processor in consumer group/), kafka: 'ok', mongodb: 'ok' },
      },
    });

    await processor.start();
    expect(await readyWithin(DECIDERS_CACHE_MS + 5000, 200)).toMatchObject({ status: 200 });
  });
});
