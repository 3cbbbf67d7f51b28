/**
 * Fuzz benchmark (issue 16): BENCH_FUZZ_CASES (1,000,000) fuzzed requests over every E2EE
 * endpoint at BENCH_FUZZ_CONCURRENCY (8) against one in-process system with rate limits off.
 * Prints cases/s, the statuses seen and the violations found (a 5xx, a non-Matrix error body, a
 * 2xx that is not a JSON object), then whether a normal client flow still works.
 * Run: npm run bench -- fuzz   (FUZZ_SEED replays a run; the seed is printed)
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cleanUp, startSystem } from '../test/helpers/system';
import { fuzzIdentities } from '../test/fuzz/fuzz-ids';
import { fuzzCases } from '../test/fuzz/fuzz-cases';
import { fuzzSeed, seededCases } from '../test/fuzz/fuzz-seed';
import { runFuzz } from '../test/fuzz/fuzz-runner';
import { clientFlowProblems } from '../test/fuzz/client-flow';
import { benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const CASES = Number(process.env.BENCH_FUZZ_CASES ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_FUZZ_CONCURRENCY ?? 8);

async function main(): Promise<void> {
  const serverName = 'bench.local';
  // As in the e2e fuzz test: a 64 KiB body limit keeps huge bodies cheap, long-polls end after 50 ms,
  // and a fuzzed token ahead of the log waits out a 200 ms read barrier, not 3 s.
  const env = benchEnv({ BODY_LIMIT_BYTES: '65536', SYNC_MAX_TIMEOUT_MS: '50', READ_BARRIER_TIMEOUT_MS: '200' });
  const seed = fuzzSeed();
  log(`seed ${seed} (replay: FUZZ_SEED=${seed} BENCH_FUZZ_CASES=${CASES})`);
  const system = await startSystem(env, 1);
  try {
    const url = system.apis[0].url;
    const identities = fuzzIdentities(serverName);
    const started = Date.now();
    const report = await runFuzz(url, seededCases(fuzzCases(identities, serverName), seed, CASES), {
      concurrency: CONCURRENCY,
      keep: 10,
      onProgress: (done) => done % 10_000 === 0 && log(`${done} cases, ${Math.round(done / ((Date.now() - started) / 1000))}/s`),
    });
    const flow = await clientFlowProblems(url, serverName, identities, randomBytes(3).toString('hex'));
    printTable(`fuzz: ${report.cases} cases, concurrency ${CONCURRENCY}, seed ${seed}`, [
      ['seconds', report.seconds],
      ['cases/s', report.cases / report.seconds],
      ['violations', report.violationCount],
      ['client flow after', flow.length === 0 ? 'ok' : `FAILED: ${flow.join('; ')}`],
      ...Object.entries(report.statuses)
        .sort(([, a], [, b]) => b - a)
        .map(([status, n]): [string, number] => [`status ${status}`, n]),
    ]);
    for (const violation of report.violations)
      process.stdout.write(`violation #${violation.index}: ${violation.problem}\n  ${violation.request}\n  -> ${violation.answer}\n`);
    process.stdout.write(
      `${JSON.stringify({ machine: machine(), seed, cases: report.cases, seconds: report.seconds, statuses: report.statuses, violations: report.violationCount, clientFlow: flow })}\n`,
    );
  } finally {
    await system.stop();
    await cleanUp(env);
  }
}

runBench(main);
