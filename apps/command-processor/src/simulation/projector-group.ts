import { ProjectedDoc } from '@app/read-models';
import { applyGuarded, GuardedDocuments } from './guarded-documents';
import { ProjectionHistory } from './projection-history';
import { SharedInfrastructure } from './simulated-processor-ports';
import { Violations } from './violations';

class ProjectorProcess {
  state: 'running' | 'gone' = 'running';
  readonly positions = new Map<number, number>();
  readonly busy = new Set<number>();

  constructor(readonly id: string) {}
}

/**
 * One projection's live runners (ProjectionRunner's steps, on in-memory documents): a batch of
 * e2ee.events reads its documents, folds with the projection's evolve, writes under the position
 * guard, saves the checkpoint, then commits. Batches are redelivered after failures, rewinds and
 * rebalances; a rebalance does not wait here, so a stale runner may still write (the guard's case).
 * Every document that lands must be a version of the clean replay, and every checkpoint covered.
 */
export class ProjectorGroup<D extends ProjectedDoc> {
  readonly documents = new GuardedDocuments<D>();
  private readonly processes: ProjectorProcess[] = [];
  private readonly owners = new Map<number, ProjectorProcess>();
  private readonly committed = new Map<number, number>();
  private generation = 0;
  rebalanceWanted = false;

  constructor(
    readonly history: ProjectionHistory<D>,
    private readonly shared: SharedInfrastructure,
    private readonly violations: Violations,
    private readonly note: (line: string) => void,
  ) {}

  get name(): string {
    return this.history.projection.name;
  }

  running(): ProjectorProcess[] {
    return this.processes.filter((p) => p.state === 'running');
  }

  start(): void {
    this.processes.push(new ProjectorProcess(`${this.name}#${this.processes.length + 1}`));
    this.rebalanceWanted = true;
  }

  deliverable(): number[] {
    return this.shared.log.partitions.filter((p) => {
      const owner = this.ownerOf(p);
      return owner !== undefined && !owner.busy.has(p) && this.positionOf(owner, p) < this.shared.log.end(p);
    });
  }

  deliver(partition: number): void {
    const { held, log, rng } = this.shared;
    const owner = this.ownerOf(partition)!;
    const from = this.positionOf(owner, partition);
    const to = Math.min(log.end(partition), from + rng.int(1, 5));
    const generation = this.generation;
    owner.positions.set(partition, to);
    owner.busy.add(partition);
    this.note(`project ${this.name} ${partition}[${from},${to}) on ${owner.id}`);
    const projection = this.history.projection;
    const relevant = log
      .events(partition)
      .slice(from, to)
      .filter((r) => log.stands(r) && (projection.handles as readonly string[]).includes(r.event.type));
    const run = async () => {
      if (relevant.length === 0) return; // deferred-checkpoints.ts: nothing to save now
      const ids = new Set(relevant.map((r) => projection.documentId(r.event)));
      const current = await held.hold(owner.id, 'projection.read', partition, () => this.documents.read(ids));
      const docs = [...applyGuarded(projection, current, relevant)].map((id) => current.get(id)!);
      if (docs.length > 0) await held.hold(owner.id, 'projection.write', partition, () => this.landWrite(docs));
      await held.hold(owner.id, 'projection.checkpoint', partition, () => this.landCheckpoint(partition, to - 1));
    };
    run().then(
      () => {
        owner.busy.delete(partition);
        if (owner.state === 'gone') return;
        held.hold(owner.id, 'offset.commit', partition, () => this.commit(partition, to, generation)).catch(() => undefined);
      },
      () => {
        owner.busy.delete(partition);
        owner.positions.clear(); // the consumer restarts from the last commit
        this.rebalanceWanted = true;
      },
    );
  }

  rebalance(): void {
    const members = this.running();
    this.generation++;
    this.rebalanceWanted = false;
    for (const partition of this.shared.log.partitions) this.owners.set(partition, this.shared.rng.pick(members));
    for (const member of members) member.positions.clear();
    this.note(`rebalance ${this.name}: ${[...this.owners].map(([p, o]) => `${p}:${o.id}`).join(' ')}`);
  }

  crash(): void {
    const victim = this.shared.rng.pick(this.running());
    victim.state = 'gone';
    this.note(`crash ${victim.id}`);
    this.shared.held.abandon(victim.id, () => this.shared.rng.chance(0.5));
    this.rebalanceWanted = true;
  }

  /** A consumer fetches again from an earlier offset: the batches after it are delivered twice. */
  rewind(): void {
    const owned = this.shared.log.partitions.filter((p) => this.ownerOf(p) !== undefined);
    if (owned.length === 0) return;
    const partition = this.shared.rng.pick(owned);
    const owner = this.ownerOf(partition)!;
    const back = this.shared.rng.int(0, this.positionOf(owner, partition));
    owner.positions.set(partition, back);
    this.note(`rewind ${this.name} ${partition} on ${owner.id} to ${back}`);
  }

  needsOwners(): boolean {
    return this.shared.log.partitions.some((p) => this.ownerOf(p) === undefined);
  }

  consumedAll(): boolean {
    return this.shared.log.partitions.every((p) => {
      const owner = this.ownerOf(p);
      return owner !== undefined && !owner.busy.has(p) && this.positionOf(owner, p) >= this.shared.log.end(p);
    });
  }

  private ownerOf(partition: number): ProjectorProcess | undefined {
    const owner = this.owners.get(partition);
    return owner?.state === 'running' ? owner : undefined;
  }

  private positionOf(owner: ProjectorProcess, partition: number): number {
    return owner.positions.get(partition) ?? this.committed.get(partition) ?? 0;
  }

  private commit(partition: number, next: number, generation: number): void {
    if (generation === this.generation) this.committed.set(partition, Math.max(next, this.committed.get(partition) ?? 0));
  }

  private landWrite(docs: readonly D[]): void {
    for (const doc of this.documents.write(docs)) {
      if (!this.history.isVersionOfLog(doc))
        this.violations.report(`${this.name} document ${doc._id} at offset ${doc._meta.offset} is no state the log had there`);
    }
  }

  private landCheckpoint(partition: number, through: number): void {
    const lagging = this.history.behind(partition, through, this.documents.docs);
    if (lagging.length > 0) this.violations.report(`${this.name} checkpoint ${partition}/${through} passes documents not yet written: ${lagging.join(' ')}`);
  }
}
