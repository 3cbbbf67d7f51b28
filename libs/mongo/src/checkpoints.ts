import { Collection, Db } from 'mongodb';

interface CheckpointDoc {
  _id: string;
  owner: string;
  partition: number;
  /** Offset of the last message whose effects are stored (offsets stay far below 2^53). */
  position: number;
}

/**
 * Per-partition positions stored next to the data they describe. A checkpoint only moves
 * forward: `$max` keeps the later offset, in one round trip.
 */
export class CheckpointStore {
  private readonly collection: Collection<CheckpointDoc>;

  constructor(db: Db, collectionName = 'checkpoints') {
    this.collection = db.collection<CheckpointDoc>(collectionName);
  }

  async load(owner: string): Promise<Map<number, string>> {
    const docs = await this.collection.find({ owner }).toArray();
    return new Map(docs.map((d) => [d.partition, String(d.position)]));
  }

  async save(owner: string, partition: number, offset: string): Promise<void> {
    await this.collection.updateOne(
      { _id: `${owner}#${partition}` },
      { $max: { position: Number(offset) }, $set: { owner, partition } },
      { upsert: true },
    );
  }

  async remove(owner: string): Promise<void> {
    await this.collection.deleteMany({ owner });
  }
}
