import { FencedEventLog } from '../fencing/fenced-event-log';
import { BatchDecider } from '../processing/batch-decider';
import { PartitionProcessor } from '../processing/partition-processor';
import { UserStateStore } from '../state/user-state.store';
import { SharedInfrastructure, simulatedProcessorPorts } from './simulated-processor-ports';
import { SimulatedCommandTopic } from './simulated-command-topic';
import { Violations } from './violations';

/** One command-processor process: the real classes on simulated ports, and its consumer's positions. */
export class ProcessorProcess {
  /** running: in the group; stopping: left it, final flush in flight; gone: ended or crashed. */
  state: 'running' | 'stopping' | 'gone' = 'running';
  /**
   * Its session expired while a batch ran (a pause longer than the session timeout): the group
   * went on without it, but the batch goes on too, on its old memory, until it ends and the
   * process notices. The stale writer that fencing (fencing/) must stop.
   */
  expired = false;
  /** Where this member's consumer fetches next, per partition (from the committed offset after a (re)join). */
  readonly positions = new Map<number, number>();
  /** Partitions with a batch in `handle`: the consumer hands a partition one batch at a time. */
  readonly busy = new Set<number>();
  readonly store: UserStateStore;
  readonly processor: PartitionProcessor;

  constructor(
    readonly id: string,
    shared: SharedInfrastructure,
    intervalMs: number,
    now: () => number,
  ) {
    const ports = simulatedProcessorPorts(id, shared);
    this.store = new UserStateStore(ports.snapshots, ports.checkpoints, intervalMs, now);
    const quiet = { caughtUp: () => undefined, undecodable: () => undefined, flushFailed: () => undefined };
    this.processor = new PartitionProcessor(
      this.store,
      new BatchDecider(new FencedEventLog(ports.events, ports.reader, 'e2ee.events'), ports.outbox),
      ports.reader,
      ports.events,
      'e2ee.events',
      quiet,
    );
  }
}

export interface ClusterOptions {
  readonly intervalMs: number;
  /**
   * Whether a partition's previous owner has finished its store writes before another process
   * takes the partition over (what fencing would give). Off, a late write of a stale owner can
   * land after the new owner's: the zombie-fencing gap of docs/architecture.md.
   */
  readonly fenceStaleWrites: boolean;
}

/**
 * The processors' consumer group: which process owns which partition of e2ee.commands, batches
 * handed to the owner, rebalances (only between batches: the group waits for its members'
 * batches), crashes, graceful stops and new processes.
 */
export class ProcessorCluster {
  readonly processes: ProcessorProcess[] = [];
  private readonly owners = new Map<number, ProcessorProcess>();
  rebalanceWanted = false;

  constructor(
    private readonly shared: SharedInfrastructure,
    private readonly topic: SimulatedCommandTopic,
    private readonly options: ClusterOptions,
    private readonly now: () => number,
    private readonly violations: Violations,
    private readonly note: (line: string) => void,
  ) {}

  running(): ProcessorProcess[] {
    return this.processes.filter((p) => p.state === 'running');
  }

  /** Running processes in the group (not expired). */
  members(): ProcessorProcess[] {
    return this.running().filter((p) => !p.expired);
  }

  ownerOf(partition: number): ProcessorProcess | undefined {
    const owner = this.owners.get(partition);
    return owner?.state === 'running' && !owner.expired ? owner : undefined;
  }

  /** A member busy with a batch loses its session: the group rebalances without waiting for it. */
  expire(process: ProcessorProcess): void {
    process.expired = true;
    this.rebalanceWanted = true;
    this.note(`session of ${process.id} expires during its batch`);
  }

  /** An expired member's batch ended: it notices, drops what it held and rejoins. */
  private noticeExpiry(owner: ProcessorProcess): void {
    if (!owner.expired) return;
    owner.expired = false;
    owner.positions.clear();
    owner.processor.reassigned();
    this.rebalanceWanted = true;
    this.note(`${owner.id} notices its session expired and rejoins`);
  }

  start(): ProcessorProcess {
    const process = new ProcessorProcess(`P${this.processes.length + 1}`, this.shared, this.options.intervalMs, this.now);
    this.processes.push(process);
    this.rebalanceWanted = true;
    return process;
  }

  /** Partitions whose owner can take a batch now. */
  deliverable(): number[] {
    return Array.from({ length: this.topic.partitions }, (_, p) => p).filter((p) => {
      const owner = this.ownerOf(p);
      return owner !== undefined && !owner.busy.has(p) && this.positionOf(owner, p) < this.topic.end(p);
    });
  }

  deliver(partition: number): void {
    const owner = this.ownerOf(partition)!;
    const from = this.positionOf(owner, partition);
    const to = Math.min(this.topic.end(partition), from + this.shared.rng.int(1, 4));
    const commands = this.topic.slice(partition, from, to);
    const generation = this.topic.generation;
    owner.positions.set(partition, to);
    owner.busy.add(partition);
    this.note(`deliver ${partition}[${from},${to}) to ${owner.id}: ${commands.map((c) => c.id).join(' ')}`);
    owner.processor.handle(partition, commands).then(
      () => {
        owner.busy.delete(partition);
        this.noticeExpiry(owner);
        if (owner.state === 'gone') return;
        this.shared.held.hold(owner.id, 'offset.commit', partition, () => this.topic.commit(partition, to, generation)).catch(() => undefined);
      },
      (err: Error) => {
        owner.busy.delete(partition);
        this.noticeExpiry(owner);
        this.note(`  batch ${partition}[${from},${to}) of ${owner.id} failed: ${err.message}`);
        // PartitionMemory.stage refusing to go back: the guard held, but something was older than memory.
        if (/would go back/.test(err.message)) this.violations.report(`${owner.id}: ${err.message}`);
        // kafkajs restarts the consumer, which fetches again from the last commit and rejoins.
        owner.positions.clear();
        this.rebalanceWanted = true;
      },
    );
  }

  /** The group waits for every member's batch in flight before it assigns anew. */
  canRebalance(): boolean {
    return this.members().length > 0 && this.members().every((p) => p.busy.size === 0);
  }

  rebalance(): void {
    const members = this.members();
    this.topic.generation++;
    this.rebalanceWanted = false;
    for (let partition = 0; partition < this.topic.partitions; partition++) {
      const writers = this.options.fenceStaleWrites ? this.processes.filter((p) => this.writesInFlight(p, partition)) : [];
      if (writers.length === 0) this.owners.set(partition, this.shared.rng.pick(members));
      else if (writers.length === 1 && writers[0].state === 'running')
        this.owners.set(partition, writers[0]); // its writes stay in one chain
      else {
        this.owners.delete(partition); // nobody takes it before those writes end
        this.rebalanceWanted = true;
      }
    }
    for (const member of members) {
      member.positions.clear();
      member.processor.reassigned();
    }
    const assignment = Array.from({ length: this.topic.partitions }, (_, p) => `${p}:${this.owners.get(p)?.id ?? '-'}`);
    this.note(`rebalance, generation ${this.topic.generation}: ${assignment.join(' ')}`);
  }

  crash(process: ProcessorProcess): void {
    process.state = 'gone';
    this.note(`crash ${process.id}`);
    this.shared.held.abandon(process.id, () => this.shared.rng.chance(0.5));
    this.rebalanceWanted = true;
  }

  /** As onApplicationShutdown: leave the group (after the batch in flight), then write what is staged. */
  stop(process: ProcessorProcess): void {
    process.state = 'stopping';
    this.note(`stop ${process.id}`);
    this.rebalanceWanted = true;
    void process.processor.flushAll().then(() => {
      if (process.state === 'stopping') process.state = 'gone';
    });
  }

  /** The flush timer of one process fires. */
  tick(process: ProcessorProcess): void {
    void process.processor.flushDue();
  }

  /** Every partition has a running owner and every command was handed to it. */
  consumedAll(): boolean {
    return Array.from({ length: this.topic.partitions }, (_, p) => p).every((p) => {
      const owner = this.ownerOf(p);
      return owner !== undefined && !owner.busy.has(p) && this.positionOf(owner, p) >= this.topic.end(p);
    });
  }

  needsOwners(): boolean {
    return Array.from({ length: this.topic.partitions }, (_, p) => p).some((p) => this.ownerOf(p) === undefined);
  }

  private positionOf(owner: ProcessorProcess, partition: number): number {
    return owner.positions.get(partition) ?? this.topic.committedOffset(partition);
  }

  private writesInFlight(process: ProcessorProcess, partition: number): boolean {
    return this.shared.held.waiting.some(
      (op) => op.owner === process.id && op.partition === partition && (op.kind === 'snapshot.write' || op.kind === 'checkpoint.save'),
    );
  }
}
