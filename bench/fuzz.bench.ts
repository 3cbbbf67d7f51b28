/**
 * Fuzz benchmark (issue 16): BENCH_FUZZ_CASES (1,000,000) fuzzed requests over every E2EE
 * endpoint at BENCH_FUZZ_CONCURRENCY (8) against in-process systems with rate limits off, a fresh
 * one every BENCH_FUZZ_BLOCK (50,000) cases.
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
import { FuzzReport, runFuzz } from '../test/fuzz/fuzz-runner';
import { clientFlowProblems } from '../test/fuzz/client-flow';
import { benchEnv, log, machine, printTable, runBench } from './lib/bench-env';

const CASES = Number(process.env.BENCH_FUZZ_CASES ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_FUZZ_CONCURRENCY ?? 8);
/**
 * Cases per deployment. The fuzzer writes as a dozen identities; on one deployment their documents
 * grow without bound (a backup room of 900 KB, user states of 130 KB after 200,000 cases) and the
 * rate falls from 300/s to 80/s with the store rewriting them. A fresh deployment (topics and
 * database) every block keeps the run about input, as a million different users would.
 */
const BLOCK = Number(process.env.BENCH_FUZZ_BLOCK ?? 50_000);

async function runBlock(block: number, seed: number, cases: number, serverName: string, done: () => number): Promise<{ report: FuzzReport; flow: string[] }> {
  // As in the e2e fuzz test: a 64 KiB body limit keeps huge bodies cheap, long-polls end after 50 ms,
  // and a fuzzed token ahead of the log waits out a 200 ms read barrier, not 3 s.
  const env = benchEnv({ BODY_LIMIT_BYTES: '65536', SYNC_MAX_TIMEOUT_MS: '50', READ_BARRIER_TIMEOUT_MS: '200' });
  const system = await startSystem(env, 1);
  try {
    const url = system.apis[0].url;
    const identities = fuzzIdentities(serverName);
    const started = Date.now();
    const report = await runFuzz(url, seededCases(fuzzCases(identities, serverName), seed + block, cases), {
      concurrency: CONCURRENCY,
      keep: 10,
      onProgress: (n) => n % 10_000 === 0 && log(`block ${block}: ${n} cases, ${Math.round(n / ((Date.now() - started) / 1000))}/s (${done() + n} in all)`),
    });
    const flow = await clientFlowProblems(url, serverName, identities, randomBytes(3).toString('hex'));
    return { report, flow };
  } finally {
    await system.stop();
    await cleanUp(env);
  }
}

async function main(): Promise<void> {
  const serverName = 'bench.local';
  const seed = fuzzSeed();
  log(`seed ${seed} (replay: FUZZ_SEED=${seed} BENCH_FUZZ_CASES=${CASES} BENCH_FUZZ_BLOCK=${BLOCK}; block b uses seed ${seed} + b)`);
  const statuses: Record<string, number> = {};
  const waitedMs: Record<string, number> = {};
  const violations: string[] = [];
  const flows: string[] = [];
  let cases = 0;
  let seconds = 0;
  let violationCount = 0;
  for (let block = 0; cases < CASES; block++) {
    const { report, flow } = await runBlock(block, seed, Math.min(BLOCK, CASES - cases), serverName, () => cases);
    for (const [k, n] of Object.entries(report.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
    for (const [k, ms] of Object.entries(report.waitedMs)) waitedMs[k] = (waitedMs[k] ?? 0) + ms;
    for (const v of report.violations) violations.push(`violation block ${block} #${v.index}: ${v.problem}\n  ${v.request}\n  -> ${v.answer}`);
    if (flow.length > 0) flows.push(`block ${block}: ${flow.join('; ')}`);
    cases += report.cases;
    seconds += report.seconds;
    violationCount += report.violationCount;
    log(
      `block ${block}: ${report.cases} cases in ${report.seconds.toFixed(0)} s, ${report.violationCount} violations, client flow ${flow.length === 0 ? 'ok' : 'FAILED'}`,
    );
  }
  printTable(`fuzz: ${cases} cases, concurrency ${CONCURRENCY}, seed ${seed}, ${Math.ceil(cases / BLOCK)} deployments of ${BLOCK}`, [
    ['seconds', seconds],
    ['cases/s', cases / seconds],
    ['violations', violationCount],
    ['client flow after each block', flows.length === 0 ? 'ok' : `FAILED: ${flows.join(' | ')}`],
    ...Object.entries(statuses)
      .sort(([, a], [, b]) => b - a)
      .map(([status, n]): [string, number] => [`status ${status}`, n]),
    ...Object.entries(waitedMs)
      .sort(([, a], [, b]) => b - a)
      .map(([endpoint, ms]): [string, number] => [`waited s, ${endpoint}`, Math.round(ms / 1000)]),
  ]);
  for (const violation of violations) process.stdout.write(`${violation}\n`);
  process.stdout.write(
    `${JSON.stringify({ machine: machine(), seed, block: BLOCK, cases, seconds, statuses, violations: violationCount, clientFlow: flows })}\n`,
  );
}

runBench(main);
