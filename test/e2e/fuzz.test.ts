import { randomBytes } from 'node:crypto';
import { suiteEnv } from '../helpers/suite-env';
import { RunningApi, cleanUp, startApi, startSystem } from '../helpers/system';
import { fuzzIdentities } from '../fuzz/fuzz-ids';
import { fuzzCases } from '../fuzz/fuzz-cases';
import { fuzzSeed, seededCases } from '../fuzz/fuzz-seed';
import { FuzzReport, runFuzz } from '../fuzz/fuzz-runner';
import { clientFlowProblems } from '../fuzz/client-flow';

/**
 * Issue 16, the fuzz tier: FUZZ_CASES (10,000) requests built from the spec's request schemas,
 * mutated, over every endpoint, against a real system without rate limits; then a slice against an
 * instance with tiny limits. Never a 5xx; every 4xx a Matrix error; the server still serves a
 * normal client afterwards. FUZZ_SEED replays a run (the seed is printed).
 */
describe('fuzz: every answer is a Matrix answer', () => {
  const serverName = 'test.local';
  // A 64 KiB body limit keeps huge bodies cheap; a 50 ms long-poll cap keeps sync cases short, and
  // so does a 200 ms read barrier: a fuzzed token ahead of the log waits out the barrier (3 s by default).
  const env = suiteEnv('fuzz', {
    RATE_LIMITS: 'off',
    BODY_LIMIT_BYTES: '65536',
    SYNC_MAX_TIMEOUT_MS: '50',
    READ_BARRIER_TIMEOUT_MS: '200',
    SERVER_NAME: serverName,
  });
  const seed = fuzzSeed();
  const count = Number(process.env.FUZZ_CASES ?? 10_000);
  const identities = fuzzIdentities(serverName);
  let system: Awaited<ReturnType<typeof startSystem>>;
  let limited: RunningApi;

  beforeAll(async () => {
    process.stderr.write(`[fuzz] seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_CASES=${count})\n`);
    system = await startSystem(env, 1);
    // Bursts of 2 that do not refill while the suite runs, so the slice reaches the limits.
    const tiny = Object.fromEntries(
      ['QUERY', 'CLAIM', 'CLAIM_TARGET', 'TO_DEVICE'].flatMap((name) => [
        [`${name}_BURST`, '2'],
        [`${name}_RATE_PER_SECOND`, '0.01'],
      ]),
    );
    limited = await startApi(env, { RATE_LIMITS: 'on', ...tiny });
  });
  afterAll(async () => {
    await limited?.app.close();
    await system?.stop();
    await cleanUp(env);
  });

  const summary = (name: string, report: FuzzReport) =>
    process.stderr.write(
      `[fuzz] ${name}: ${report.cases} cases in ${report.seconds.toFixed(1)} s (${Math.round(report.cases / report.seconds)}/s), ${report.violationCount} violations\n[fuzz] statuses ${JSON.stringify(report.statuses)}\n[fuzz] ms waited per endpoint ${JSON.stringify(report.waitedMs)}\n`,
    );

  it(`answers ${count} fuzzed requests without a 5xx or a non-Matrix error, and a client still works after`, async () => {
    const report = await runFuzz(system.apis[0].url, seededCases(fuzzCases(identities, serverName), seed, count), { concurrency: 8 });
    summary('rate limits off', report);
    expect({ seed, violations: report.violations }).toEqual({ seed, violations: [] });
    expect(report.cases).toBe(count);
    expect(Object.keys(report.statuses).some((status) => status.startsWith('200'))).toBe(true);
    expect(await clientFlowProblems(system.apis[0].url, serverName, identities, randomBytes(3).toString('hex'))).toEqual([]);
  }, 600_000);

  it('with rate limits on, every 429 carries retry_after_ms', async () => {
    const cases = Math.max(1000, Math.round(count / 10));
    // Two users only, so each spends its tiny bursts.
    const report = await runFuzz(limited.url, seededCases(fuzzCases(identities.slice(0, 2), serverName), seed ^ 0x5eed, cases), { concurrency: 8 });
    summary('rate limits on', report);
    expect({ seed, violations: report.violations }).toEqual({ seed, violations: [] });
    expect(report.statuses['429 M_LIMIT_EXCEEDED']).toBeGreaterThan(0);
  }, 300_000);
});
