import { ProjectedDoc, Projection } from '@app/read-models';
import { applyGuarded } from './guarded-documents';
import { SimulatedEventLog } from './simulated-log';
import { sameJson } from './same-json';

/**
 * A clean replay of the log into one projection, kept up with the log as it grows, remembering
 * every version of every document: what a live document may be (one of them, at its position),
 * and what a checkpoint promises (no document behind an event at or below it).
 */
export class ProjectionHistory<D extends ProjectedDoc> {
  readonly replayed = new Map<string, D>();
  /** Document id -> its versions in log order: position and content. */
  private readonly versions = new Map<string, { partition: number; offset: number; doc: D }[]>();
  private readonly seen = new Map<number, number>();

  constructor(
    readonly projection: Projection<D>,
    private readonly log: SimulatedEventLog,
  ) {}

  /** Folds the events appended since the last call. */
  catchUp(): void {
    for (const partition of this.log.partitions) {
      const events = this.log.events(partition);
      for (let i = this.seen.get(partition) ?? 0; i < events.length; i++) {
        if (!this.log.stands(events[i])) continue;
        for (const id of applyGuarded(this.projection, this.replayed, [events[i]])) {
          const doc = this.replayed.get(id)!;
          const list = this.versions.get(id) ?? [];
          this.versions.set(id, list);
          list.push({ partition, offset: doc._meta.offset, doc }); // evolve makes new objects: kept as is
        }
      }
      this.seen.set(partition, events.length);
    }
  }

  /** Whether the replay had exactly this document at its position. */
  isVersionOfLog(doc: D): boolean {
    this.catchUp();
    return (this.versions.get(doc._id) ?? []).some((v) => v.offset === doc._meta.offset && sameJson(v.doc, doc));
  }

  /** Documents that lack an event of `partition` at or below `through`. */
  behind(partition: number, through: number, live: ReadonlyMap<string, D>): string[] {
    this.catchUp();
    const lagging: string[] = [];
    for (const [id, list] of this.versions) {
      const due = list.filter((v) => v.partition === partition && v.offset <= through).pop();
      if (due && (live.get(id)?._meta.offset ?? -1) < due.offset) lagging.push(id);
    }
    return lagging;
  }
}
