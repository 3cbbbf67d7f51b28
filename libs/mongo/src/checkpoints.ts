import { Collection, Db } from 'mongodb';

interface CheckpointDoc {
  _id: string;
  owner: string;
  partition: number;
  /** Offset of the last message whose effects are stored (offsets stay far below 2^53). */
  position: number;
  /**
   * e2ee.events readers: the encoded fence position (writer-fence.ts) at `position`. Its order is
   * the markers' log order, so `$max` keeps it consistent with `$max` on the position.
   */
  fence?: string;
}

/** A checkpoint with the fence position a reader of e2ee.events had there (undefined before fencing). */
export interface CheckpointEntry {
  readonly position: string;
  readonly fence?: string;
}

const checkpointId = (owner: string, partition: number): string => `${owner}#${partition}`;

/**
 * Per-partition positions stored next to the data they describe, one document per (owner,
 * partition): each has one writer, the partition's consumer. Reads are point reads of the
 * `partitions` documents an owner can have. A checkpoint only moves forward: `$max` keeps the
 * later offset, in one round trip.
 */
export class CheckpointStore {
  private readonly collection: Collection<CheckpointDoc>;

  constructor(
    db: Db,
    /** Partitions of the topic the positions are in (e2ee.events): the ids an owner can have. */
    private readonly partitions: number,
    collectionName = 'checkpoints',
  ) {
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`CheckpointStore needs the partition count, got ${partitions}`);
    this.collection = db.collection<CheckpointDoc>(collectionName);
  }

  async load(owner: string): Promise<Map<number, string>> {
    const docs = await Promise.all(Array.from({ length: this.partitions }, (_, p) => this.collection.findOne({ _id: checkpointId(owner, p) })));
    return new Map(docs.flatMap((d) => (d ? [[d.partition, String(d.position)] as [number, string]] : [])));
  }

  async loadPartition(owner: string, partition: number): Promise<string | undefined> {
    const doc = await this.collection.findOne({ _id: checkpointId(owner, partition) });
    return doc ? String(doc.position) : undefined;
  }

  async loadEntry(owner: string, partition: number): Promise<CheckpointEntry | undefined> {
    const doc = await this.collection.findOne({ _id: checkpointId(owner, partition) });
    return doc ? { position: String(doc.position), fence: doc.fence ?? undefined } : undefined;
  }

  async save(owner: string, partition: number, offset: string, fence?: string): Promise<void> {
    const max = fence === undefined ? { position: Number(offset) } : { position: Number(offset), fence };
    await this.collection.updateOne({ _id: checkpointId(owner, partition) }, { $max: max, $set: { owner, partition } }, { upsert: true });
  }

  async remove(owner: string): Promise<void> {
    await Promise.all(Array.from({ length: this.partitions }, (_, p) => this.collection.deleteOne({ _id: checkpointId(owner, p) })));
  }
}
