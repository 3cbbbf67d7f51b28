/**
 * Which events of e2ee.events each projection applies, as this process's reader of the log
 * (read-caches.ts) passes them on: per projection and partition, the offset of the last event of
 * a type it handles. A projection whose checkpoint has passed the last event it applies reflects
 * the log as far as this reader has read it: its position counts the events it skips. So a read
 * of device keys does not wait behind other users' claims, and a projection need not store its
 * checkpoint at once after a batch it applied nothing of (projection-runner.ts). Where this reader
 * cannot tell (not started, or began after the checkpoint), the checkpoint is the position.
 */
export class RelevantOffsets {
  private readonly lastApplied = new Map<string, Map<number, bigint>>();
  private readonly firstSeen = new Map<number, bigint>();
  private readonly consumed = new Map<number, bigint>();

  /** @param handles projection name -> the event types it applies */
  constructor(private readonly handles: ReadonlyMap<string, ReadonlySet<string>>) {}

  /** The reader starts on `partition` at `offset`: every later event will be passed on. */
  begin(partition: number, offset: bigint): void {
    this.firstSeen.set(partition, offset);
    for (const last of this.lastApplied.values()) last.delete(partition);
    this.consumed.set(partition, offset - 1n);
  }

  /** An event of `type` (undefined: not known, so any projection's) at `offset`, in log order. */
  seen(partition: number, offset: bigint, type: string | undefined): void {
    for (const [projection, types] of this.handles) {
      if (type !== undefined && !types.has(type)) continue;
      let last = this.lastApplied.get(projection);
      if (!last) this.lastApplied.set(projection, (last = new Map()));
      if ((last.get(partition) ?? -1n) < offset) last.set(partition, offset); // a redelivery (consumer restart) never moves it back
    }
  }

  /** Every event of `partition` up to `offset` has been passed to `seen`. */
  advanced(partition: number, offset: bigint): void {
    if ((this.consumed.get(partition) ?? -1n) < offset) this.consumed.set(partition, offset);
  }

  /** How far the projection reflects the log, given its stored checkpoints (partition -> offset). */
  positions(projection: string, checkpoints: ReadonlyMap<number, string>): Map<number, string> {
    const positions = new Map(checkpoints);
    for (const partition of this.firstSeen.keys()) {
      const stored = checkpoints.get(partition);
      const position = this.position(projection, partition, stored === undefined ? -1n : BigInt(stored));
      if (position >= 0n) positions.set(partition, position.toString());
    }
    return positions;
  }

  private position(projection: string, partition: number, checkpoint: bigint): bigint {
    const first = this.firstSeen.get(partition)!;
    // Events between the checkpoint and where the reader began are not known here.
    if (!this.handles.has(projection) || checkpoint < first - 1n) return checkpoint;
    const last = this.lastApplied.get(projection)?.get(partition);
    if (last !== undefined && last > checkpoint) return checkpoint;
    const consumed = this.consumed.get(partition)!;
    return consumed > checkpoint ? consumed : checkpoint;
  }
}
