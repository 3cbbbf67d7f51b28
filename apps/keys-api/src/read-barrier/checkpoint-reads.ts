import { Inject, Injectable } from '@nestjs/common';
import { Db } from 'mongodb';
import { CheckpointStore } from '@app/mongo';
import { KafkaBus, MONGO_DB } from '@app/platform';
import { checkpointedProjection } from '@app/read-models';
import { FreshLoads } from './fresh-loads';
import { RelevantOffsets } from './relevant-offsets';

/** Port: a checkpoint owner's stored checkpoints, partition -> offset. */
export type StoredCheckpoints = (owner: string) => Promise<ReadonlyMap<number, string>>;

/**
 * The projections' checkpoints as this process reads them: a load is P point reads (a document
 * per partition, each with its one writer), and every barrier, sync and /keys/changes needs one,
 * so concurrent readers of the same owner share loads (fresh-loads.ts) and each still sees every
 * checkpoint saved before it asked. A projection's position counts the events it skips once it
 * has applied the last one it handles (relevant-offsets.ts): every reader of positions (read
 * barriers, sync tokens, wake-ups) then waits only for events that change what it reads.
 */
export class CheckpointPositions {
  private readonly loads: FreshLoads<ReadonlyMap<number, string>>;
  /** The latest stored checkpoints read per owner (each partition's highest: they only move forward). */
  private readonly latest = new Map<string, Map<number, string>>();

  constructor(
    stored: StoredCheckpoints,
    private readonly relevant: RelevantOffsets,
  ) {
    this.loads = new FreshLoads(stored);
  }

  /** Partition -> the offset up to which the owner's read model reflects the log. A copy: callers may keep or change it. */
  async load(owner: string): Promise<Map<number, string>> {
    const stored = await this.loads.get(owner);
    this.remember(owner, stored);
    return this.positions(owner, stored);
  }

  /** Like `load`, from the checkpoints read before (no store read): a lower bound of where the owner is now. */
  known(owner: string): Map<number, string> | undefined {
    const stored = this.latest.get(owner);
    return stored && this.positions(owner, stored);
  }

  private positions(owner: string, stored: ReadonlyMap<number, string>): Map<number, string> {
    const projection = checkpointedProjection(owner);
    return projection === undefined ? new Map(stored) : this.relevant.positions(projection, stored);
  }

  private remember(owner: string, stored: ReadonlyMap<number, string>): void {
    const latest = this.latest.get(owner) ?? new Map<number, string>();
    for (const [partition, offset] of stored) if (BigInt(latest.get(partition) ?? '-1') < BigInt(offset)) latest.set(partition, offset);
    this.latest.set(owner, latest);
  }
}

/** `CheckpointPositions` over the store's checkpoint documents, one per process. */
@Injectable()
export class CheckpointReads extends CheckpointPositions {
  constructor(@Inject(MONGO_DB) db: Db, bus: KafkaBus, relevant: RelevantOffsets) {
    const store = new CheckpointStore(db, bus.settings.partitions);
    super((owner) => store.load(owner), relevant);
  }
}
