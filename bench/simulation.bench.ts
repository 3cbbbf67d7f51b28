/**
 * The deterministic simulation of apps/command-processor/src/simulation/ over many more seeds
 * than the unit tier runs: seeds explored, steps and port operations per seed, violations found
 * (each with its replay command) and the time taken. Needs no Kafka or store: `npm run bench --
 * simulation` starts the local infrastructure around it anyway (scripts/bench.js), so
 * `node scripts/run.js bench/simulation.bench.ts` is the quicker way.
 * SIM_SEEDS (default 20,000), SIM_FIRST_SEED (default 1), SIM_OPTIONS (JSON, e.g.
 * '{"fenceStaleWrites":false}' to explore the zombie-fencing gap).
 */
import { runSeed, SeedResult } from '../apps/command-processor/src/simulation/run-seed';
import { replayCommand, simulationPlan } from '../apps/command-processor/src/simulation/simulation-env';
import { log, machine, printTable, runBench } from './lib/bench-env';

async function main(): Promise<void> {
  const plan = simulationPlan(process.env, 20_000);
  const started = process.hrtime.bigint();
  const failed: SeedResult[] = [];
  let operations = 0;
  let commands = 0;
  let acknowledged = 0;
  let events = 0;
  for (const [i, seed] of plan.seeds.entries()) {
    const result = await runSeed(seed, plan.options);
    operations += result.operations;
    commands += result.commands;
    acknowledged += result.acknowledged;
    events += result.events;
    if (result.violations.length > 0) {
      failed.push(result);
      log(`seed ${seed}: ${result.violations[0]} (replay: ${replayCommand(seed, process.env)})`);
    }
    if ((i + 1) % 1_000 === 0) log(`${i + 1} seeds, ${failed.length} with violations`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const n = plan.seeds.length;
  printTable('Deterministic simulation: command processors and projectors', [
    ['seeds explored', n],
    ['first seed', plan.seeds[0]],
    ['scheduler steps per seed', plan.options.steps],
    ['port operations per seed', operations / n],
    ['commands per seed', commands / n],
    ['acknowledged replies per seed', acknowledged / n],
    ['events per seed', events / n],
    ['seeds with violations', failed.length],
    ['violations found', failed.reduce((sum, r) => sum + r.violations.length, 0)],
    [
      'failing seeds (first 20)',
      failed
        .slice(0, 20)
        .map((r) => r.seed)
        .join(' ') || '-',
    ],
    ['time (s)', seconds],
    ['ms per seed', (seconds * 1000) / n],
  ]);
  const run = {
    machine: { ...machine(), store: 'none: in-memory simulation' },
    options: plan.options,
    seeds: n,
    failingSeeds: failed.map((r) => r.seed),
    seconds,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  if (failed.length > 0) throw new Error(`${failed.length} seed(s) broke an invariant; replay one with ${replayCommand(failed[0].seed, process.env)}`);
}

runBench(main);
