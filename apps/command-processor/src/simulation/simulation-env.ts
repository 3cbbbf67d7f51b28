import { DEFAULT_OPTIONS, SimulationOptions } from './simulation-options';

/** Which seeds to run and with what options, from SIM_SEED, SIM_SEEDS, SIM_FIRST_SEED and SIM_OPTIONS. */
export interface SimulationPlan {
  readonly seeds: readonly number[];
  readonly options: SimulationOptions;
  /** One seed asked for by SIM_SEED: print its trace. */
  readonly replaying: boolean;
}

export function simulationPlan(env: NodeJS.ProcessEnv, defaultSeeds: number): SimulationPlan {
  const options: SimulationOptions = { ...DEFAULT_OPTIONS, ...(env.SIM_OPTIONS ? (JSON.parse(env.SIM_OPTIONS) as Partial<SimulationOptions>) : {}) };
  if (env.SIM_SEED) return { seeds: [integer('SIM_SEED', env.SIM_SEED)], options, replaying: true };
  const count = env.SIM_SEEDS ? integer('SIM_SEEDS', env.SIM_SEEDS) : defaultSeeds;
  const first = env.SIM_FIRST_SEED ? integer('SIM_FIRST_SEED', env.SIM_FIRST_SEED) : 1;
  return { seeds: Array.from({ length: count }, (_, i) => first + i), options, replaying: false };
}

/** How to run one seed again, with its trace. */
export function replayCommand(seed: number, env: NodeJS.ProcessEnv): string {
  const options = env.SIM_OPTIONS ? `SIM_OPTIONS='${env.SIM_OPTIONS}' ` : '';
  return `${options}SIM_SEED=${seed} npx jest --selectProjects unit --testPathPatterns simulation.spec`;
}

function integer(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${value}`);
  return n;
}
