import { runSeed, SeedResult } from './run-seed';
import { replayCommand, simulationPlan } from './simulation-env';

/**
 * Thousands of seeded runs of the real PartitionProcessor (and the projections' evolve) on
 * in-memory ports whose every operation the seed holds, fails or loses. SIM_SEEDS=<n> runs more,
 * SIM_SEED=<seed> replays one and prints its trace; the bench (bench/simulation.bench.ts) runs many more.
 */
const plan = simulationPlan(process.env, 1_000);

function describeFailure(result: SeedResult): string {
  return [
    `seed ${result.seed}: ${result.violations.length} violation(s)`,
    ...result.violations.slice(0, 8).map((v) => `  ${v}`),
    `  replay: ${replayCommand(result.seed, process.env)}`,
    '  last steps:',
    ...result.trace.slice(-40).map((line) => `    ${line}`),
  ].join('\n');
}

describe('simulation: processors and projectors under a seeded scheduler', () => {
  it(`keeps every invariant over ${plan.seeds.length} seed(s) from ${plan.seeds[0]}`, async () => {
    const failed: SeedResult[] = [];
    for (const seed of plan.seeds) {
      const result = await runSeed(seed, plan.options);
      if (plan.replaying) console.log(result.trace.join('\n'));
      if (result.violations.length > 0) failed.push(result);
      if (failed.length === 3) break;
    }
    if (failed.length > 0) throw new Error(failed.map(describeFailure).join('\n\n'));
  }, 300_000);

  it('replays a seed exactly: the same steps, operations and outcome', async () => {
    const first = await runSeed(42, plan.options);
    const again = await runSeed(42, plan.options);
    expect(again.trace).toEqual(first.trace);
    expect(again.operations).toBe(first.operations);
    expect(first.acknowledged).toBeGreaterThan(0);
  });
});
