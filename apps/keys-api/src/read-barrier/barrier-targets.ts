/** What a read must reflect: partition -> the offset the projection must have applied. */
export type BarrierTargets = Map<number, bigint>;

/** The part of the log's last offsets in the users' partitions (an empty partition needs nothing). */
export function targetsIn(last: ReadonlyMap<number, bigint>, userIds: readonly string[], partitionOf: (userId: string) => number): BarrierTargets {
  const targets: BarrierTargets = new Map();
  for (const p of new Set(userIds.map(partitionOf))) if (last.has(p)) targets.set(p, last.get(p)!);
  return targets;
}

/** A stream token's positions as targets; -1 (nothing of that partition yet) needs nothing. */
export function targetsOfVector(vector: readonly number[]): BarrierTargets {
  const targets: BarrierTargets = new Map();
  vector.forEach((offset, p) => offset >= 0 && targets.set(p, BigInt(offset)));
  return targets;
}
