import { ReadinessCheck, runChecks } from './health';

const ok = (name: string): ReadinessCheck => ({ name, check: async () => undefined });
const down = (name: string, message: string): ReadinessCheck => ({ name, check: async () => Promise.reject(new Error(message)) });

describe('runChecks (the body of /health/ready)', () => {
  it('is ok with every check named "ok"', async () => {
    expect(await runChecks([ok('kafka'), ok('mongodb')])).toEqual({ ok: true, checks: { kafka: 'ok', mongodb: 'ok' } });
  });

  it('is not ok when one check fails, naming its reason and still reporting the others', async () => {
    expect(await runChecks([ok('kafka'), down('mongodb', 'connection refused')])).toEqual({
      ok: false,
      checks: { kafka: 'ok', mongodb: 'down: connection refused' },
    });
  });

  it('counts a check that does not answer within the timeout as down, without waiting for it', async () => {
    const hangs: ReadinessCheck = { name: 'kafka', check: () => new Promise<void>(() => undefined) };
    const started = Date.now();
    expect(await runChecks([hangs, ok('mongodb')], 50)).toEqual({ ok: false, checks: { kafka: 'down: timeout', mongodb: 'ok' } });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is ok with no checks', async () => {
    expect(await runChecks([])).toEqual({ ok: true, checks: {} });
  });
});
