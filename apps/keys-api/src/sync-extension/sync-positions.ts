import { PositionVector } from '@app/contracts';
import { checkpointOwner, deviceListsProjection, oneTimeKeysProjection, toDeviceProjection } from '@app/read-models';

/** The read-model versions one sync reads. */
export interface SyncVersions {
  readonly lists: number;
  readonly inbox: number;
  readonly keys: number;
}

/** The checkpoint owners of those versions. */
export interface SyncOwners {
  readonly lists: string;
  readonly inbox: string;
  readonly keys: string;
}

export function syncOwners(versions: SyncVersions): SyncOwners {
  return {
    lists: checkpointOwner(deviceListsProjection.name, versions.lists),
    inbox: checkpointOwner(toDeviceProjection.name, versions.inbox),
    keys: checkpointOwner(oneTimeKeysProjection.name, versions.keys),
  };
}

/** Port: a projection's checkpoints as this process reads them (CheckpointReads). */
export interface SyncCheckpoints {
  load(owner: string): Promise<Map<number, string>>;
  known(owner: string): Map<number, string> | undefined;
}

/** Checkpoints as position vectors: partition -> applied offset (-1 where none), over at least every partition of the topic. */
export class CheckpointVectors {
  constructor(
    readonly checkpoints: SyncCheckpoints,
    private readonly partitions: number,
  ) {}

  /** As stored now (a store read). */
  async applied(owner: string): Promise<PositionVector> {
    return vectorOf(await this.checkpoints.load(owner), this.partitions);
  }

  /** Like `applied`, from what this process knows already (undefined: nothing yet). */
  known(owner: string): PositionVector | undefined {
    const known = this.checkpoints.known(owner);
    return known && vectorOf(known, this.partitions);
  }
}

export function vectorOf(stored: ReadonlyMap<number, string>, partitions: number): PositionVector {
  const length = Math.max(partitions, ...[...stored.keys()].map((p) => p + 1));
  return Array.from({ length }, (_, p) => Number(stored.get(p) ?? -1));
}

/** Whether positions (a vector, or partition -> offset) have passed every target. */
export function covers(positions: PositionVector | ReadonlyMap<number, string>, targets: ReadonlyMap<number, bigint>): boolean {
  const at = (p: number) => BigInt((Array.isArray(positions) ? (positions as PositionVector)[p] : (positions as ReadonlyMap<number, string>).get(p)) ?? -1);
  return [...targets].every(([p, target]) => at(p) >= target);
}

/** Entry-wise minimum over the longer length (a partition one side has not seen counts as -1). */
export function lowerOf(a: PositionVector, b: PositionVector): PositionVector {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, p) => Math.min(a[p] ?? -1, b[p] ?? -1));
}
