import { Collection, Db } from 'mongodb';

interface CheckpointDoc {
  _id: string;
  owner: string;
  partition: number;
  /** Offset of the last message whose effects are stored. */
  offset: string;
}

/**
 * Per-partition positions stored next to the data they describe. A checkpoint only moves
 * forward: the filter refuses to overwrite a later offset.
 */
export class CheckpointStore {
  private readonly collection: Collection<CheckpointDoc>;

  constructor(db: Db, collectionName = 'checkpoints') {
    this.collection = db.collection<CheckpointDoc>(collectionName);
  }

  async load(owner: string): Promise<Map<number, string>> {
    const docs = await this.collection.find({ owner }).toArray();
    return new Map(docs.map((d) => [d.partition, d.offset]));
  }

  async save(owner: string, partition: number, offset: string): Promise<void> {
    const _id = `${owner}#${partition}`;
    const current = await this.collection.findOne({ _id });
    if (current && BigInt(current.offset) >= BigInt(offset)) return;
    await this.collection.replaceOne({ _id }, { owner, partition, offset }, { upsert: true });
  }

  async remove(owner: string): Promise<void> {
    await this.collection.deleteMany({ owner });
  }
}
