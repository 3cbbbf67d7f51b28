import { createHash } from 'node:crypto';
import { Collection, Document } from 'mongodb';
import { canonicalJson } from '@app/matrix';

/** A content digest of a whole collection, independent of insertion order and storage layout. */
export async function collectionDigest<T extends Document>(collection: Collection<T>): Promise<{ digest: string; count: number }> {
  const hash = createHash('sha256');
  let count = 0;
  const docs = await collection.find({}).sort({ _id: 1 }).toArray();
  const lines = docs.map((d) => canonicalJson(d)).sort();
  for (const line of lines) {
    hash.update(line).update('\n');
    count++;
  }
  return { digest: hash.digest('hex'), count };
}
