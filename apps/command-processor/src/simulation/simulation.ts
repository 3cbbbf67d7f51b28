import { ProjectedDoc, Projection, deviceKeysProjection, oneTimeKeysProjection } from '@app/read-models';
import { CommandTraffic, SimulatedUser } from './command-traffic';
import { HeldOperation, HeldOperations } from './held-operations';
import { LogFolds } from './log-folds';
import { ProcessorCluster } from './processor-cluster';
import { ProjectionHistory } from './projection-history';
import { ProjectorGroup } from './projector-group';
import { ReplyLedger } from './reply-ledger';
import { SeededRandom } from './seeded-random';
import { SimulatedCommandTopic } from './simulated-command-topic';
import { SimulatedEventLog } from './simulated-log';
import { SharedInfrastructure } from './simulated-processor-ports';
import { SimulatedStore } from './simulated-store';
import { checkStoredPartition } from './state-checks';
import { Violations } from './violations';
import { DEFAULT_OPTIONS, SimulationOptions } from './simulation-options';

/** Lets every continuation that can run, run: all fakes settle in microtasks, which end before the next macrotask. */
export const quiesce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Action = () => 'sync' | void;

/**
 * One seeded run: clients send commands, processors decide them, projectors fold the log, and
 * the seed picks every next step: which held operation lands (or fails), which batch is handed
 * out, when flush timers fire, and when processes rebalance, crash, stop or start.
 */
export class Simulation {
  readonly rng: SeededRandom;
  readonly trace: string[] = [];
  readonly violations = new Violations();
  readonly held: HeldOperations;
  readonly log: SimulatedEventLog;
  readonly folds: LogFolds;
  readonly store: SimulatedStore;
  readonly shared: SharedInfrastructure;
  readonly topic: SimulatedCommandTopic;
  readonly traffic: CommandTraffic;
  readonly processors: ProcessorCluster;
  readonly projectors: ProjectorGroup<ProjectedDoc>[];
  private clock = 1_000;
  private failing = true;

  constructor(
    readonly seed: number,
    readonly options: SimulationOptions = DEFAULT_OPTIONS,
  ) {
    this.rng = new SeededRandom(seed);
    const note = (line: string) => this.trace.push(`${this.violations.step}: ${line}`);
    this.held = new HeldOperations(note, () => this.failing && this.rng.chance(options.lateRate));
    this.log = new SimulatedEventLog(this.violations);
    this.folds = new LogFolds(this.log);
    this.store = new SimulatedStore(options.refuseOlderSnapshots, (p) => checkStoredPartition(this.store, this.folds, p, this.violations));
    const replies = new ReplyLedger(this.log, this.violations);
    this.shared = { held: this.held, rng: this.rng, log: this.log, store: this.store, replies };
    this.topic = new SimulatedCommandTopic(options.partitions);
    const users: SimulatedUser[] = Array.from({ length: options.users }, (_, i) => ({
      id: `@user${i}:sim`,
      partition: i % options.partitions,
      devices: i % 2 === 0 ? ['DEVA', 'DEVB'] : ['DEVA'],
    }));
    this.traffic = new CommandTraffic(this.rng, users, this.topic, () => this.clock);
    this.processors = new ProcessorCluster(
      this.shared,
      this.topic,
      { intervalMs: options.snapshotIntervalMs, fenceStaleWrites: options.fenceStaleWrites },
      () => this.clock,
      this.violations,
      note,
    );
    const group = <D extends ProjectedDoc>(projection: Projection<D>) =>
      new ProjectorGroup(new ProjectionHistory(projection, this.log), this.shared, this.violations, note) as unknown as ProjectorGroup<ProjectedDoc>;
    this.projectors = [group(oneTimeKeysProjection), group(deviceKeysProjection)];
  }

  /** Runs the seeded steps, then lets everything settle without faults. */
  async run(): Promise<void> {
    this.processors.start();
    this.processors.start();
    for (const projector of this.projectors) projector.start();
    for (let step = 0; step < this.options.steps; step++) {
      this.violations.step = step;
      // Sending a command is synchronous; everything else may leave continuations to run.
      if (this.rng.weighted(this.actions())() !== 'sync') await quiesce();
    }
    this.failing = false;
    this.violations.step = this.options.steps;
    await this.settle();
  }

  private actions(): (readonly [Action, number])[] {
    const { processors, rng } = this;
    const running = processors.running();
    const idle = running.filter((p) => p.busy.size === 0);
    const actions: (readonly [Action, number])[] = [
      [
        () => {
          this.note(this.traffic.sendOne());
          return 'sync';
        },
        14,
      ],
      [() => this.tick(), 6],
    ];
    if (this.held.waiting.length > 0) actions.push([() => this.release(rng.weighted(this.held.waiting.map((op) => [op, op.late ? 0.03 : 1] as const))), 45]);
    const deliverable = processors.deliverable();
    if (deliverable.length > 0) actions.push([() => processors.deliver(rng.pick(deliverable)), 14]);
    if (processors.canRebalance()) actions.push([() => processors.rebalance(), processors.rebalanceWanted || processors.needsOwners() ? 12 : 1.5]);
    const busy = processors.members().filter((p) => p.busy.size > 0);
    if (this.options.sessionExpiries && busy.length > 0) actions.push([() => processors.expire(rng.pick(busy)), 0.8]);
    if (running.length > 0) actions.push([() => processors.crash(rng.pick(running)), 0.8]);
    if (idle.length > 0) actions.push([() => processors.stop(rng.pick(idle)), 0.6]);
    if (running.length < 3) actions.push([() => void processors.start(), running.length === 0 ? 6 : 0.8]);
    for (const projector of this.projectors) {
      const ready = projector.deliverable();
      if (ready.length > 0) actions.push([() => projector.deliver(rng.pick(ready)), 5]);
      const members = projector.running().length;
      if (members > 0) actions.push([() => projector.rebalance(), projector.rebalanceWanted || projector.needsOwners() ? 6 : 0.5]);
      if (members > 0) actions.push([() => projector.crash(), 0.3]);
      if (members < 2) actions.push([() => projector.start(), 2]);
      actions.push([() => projector.rewind(), 0.5]);
    }
    return actions;
  }

  /** A held operation lands, or (while faults are on) fails before or after landing. */
  private release(op: HeldOperation): void {
    if (this.failing && this.rng.chance(this.options.failureRate)) this.held.fail(op, this.rng.chance(0.5));
    else this.held.complete(op);
  }

  /** The clock moves on and one process's flush timer fires. */
  private tick(): void {
    this.clock += this.rng.int(0, 2 * this.options.snapshotIntervalMs);
    const running = this.processors.running();
    if (running.length > 0) this.processors.tick(this.rng.pick(running));
  }

  /** Everything lands, every partition gets an owner, every command and event is consumed. */
  private async settle(): Promise<void> {
    const { processors, rng } = this;
    for (let round = 0; round < 20_000; round++) {
      if (processors.running().length === 0) processors.start();
      if ((processors.rebalanceWanted || processors.needsOwners()) && processors.canRebalance()) processors.rebalance();
      for (const projector of this.projectors) {
        if (projector.running().length === 0) projector.start();
        if (projector.rebalanceWanted || projector.needsOwners()) projector.rebalance();
      }
      const deliverable = processors.deliverable();
      const projecting = this.projectors.filter((p) => p.deliverable().length > 0);
      if (this.held.waiting.length > 0) this.held.complete(rng.pick(this.held.waiting));
      else if (deliverable.length > 0) processors.deliver(rng.pick(deliverable));
      else if (projecting.length > 0) {
        const projector = rng.pick(projecting);
        projector.deliver(rng.pick(projector.deliverable()));
      } else if (processors.consumedAll() && this.projectors.every((p) => p.consumedAll())) return;
      await quiesce();
    }
    this.violations.report('the run did not settle');
  }

  private note(line: string): void {
    this.trace.push(`${this.violations.step}: ${line}`);
  }
}
