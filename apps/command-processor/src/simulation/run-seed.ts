import { ProcessorProcess } from './processor-cluster';
import { Simulation } from './simulation';
import { DEFAULT_OPTIONS, SimulationOptions } from './simulation-options';
import { sameJson } from './same-json';
import { checkMemory } from './state-checks';

/** One seed's verdict (violations, with the trace that led to them) and what it exercised. */
export interface SeedResult {
  readonly seed: number;
  readonly violations: readonly string[];
  readonly trace: readonly string[];
  /** Port operations started (store and log reads and writes, replies, commits). */
  readonly operations: number;
  readonly commands: number;
  readonly acknowledged: number;
  readonly events: number;
}

/** One seed: the run, then the checks that need everything settled. */
export async function runSeed(seed: number, options: SimulationOptions = DEFAULT_OPTIONS): Promise<SeedResult> {
  const sim = new Simulation(seed, options);
  await sim.run();
  await finalChecks(sim);
  const partitions = Array.from({ length: options.partitions }, (_, p) => p);
  return {
    seed,
    operations: sim.held.started,
    commands: partitions.reduce((n, p) => n + sim.topic.end(p), 0),
    acknowledged: sim.shared.replies.acknowledged,
    events: partitions.reduce((n, p) => n + sim.log.end(p), 0),
    violations: sim.violations.found,
    trace: sim.trace,
  };
}

/**
 * With every operation answered at once: each partition's owner holds the fold of the log, so
 * does a process started afresh on what is stored, and every projection equals a clean replay.
 */
async function finalChecks(sim: Simulation): Promise<void> {
  const { held, folds, violations, processors, options } = sim;
  held.immediate = true;
  const restarted = new ProcessorProcess('restarted', sim.shared, options.snapshotIntervalMs, () => 0);
  for (let partition = 0; partition < options.partitions; partition++) {
    const owner = processors.ownerOf(partition);
    if (!owner) {
      violations.report(`partition ${partition} has no owner at the end`);
      continue;
    }
    await owner.processor.handle(partition, []); // catches up if it has not since its assignment
    await checkMemory(`owner ${owner.id} of partition ${partition}`, owner.store, partition, folds, violations);
    await restarted.processor.handle(partition, []);
    await checkMemory(`a restart on partition ${partition}`, restarted.store, partition, folds, violations);
  }
  for (const projector of sim.projectors) {
    projector.history.catchUp();
    const live = projector.documents.docs;
    const replayed = projector.history.replayed;
    const ids = [...new Set([...live.keys(), ...replayed.keys()])].sort();
    const differing = ids.filter((id) => !sameJson(live.get(id) ?? null, replayed.get(id) ?? null));
    if (differing.length > 0) violations.report(`${projector.name}: live documents differ from a replay: ${differing.slice(0, 3).join(' ')}`);
  }
}
