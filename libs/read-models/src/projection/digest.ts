import { createHash } from 'node:crypto';
import { Collection, Document } from 'mongodb';
import { canonicalJson } from '@app/matrix';
import { ProjectionBuckets } from './buckets';

/** A content digest of a whole collection (or all buckets of one), independent of insertion order and storage layout. */
export async function collectionDigest<T extends Document>(source: Collection<T> | ProjectionBuckets<T>): Promise<{ digest: string; count: number }> {
  const hash = createHash('sha256');
  let count = 0;
  const collections = source instanceof ProjectionBuckets ? source.collections : [source];
  const docs = (await Promise.all(collections.map((c) => c.find({}).toArray()))).flat();
  const lines = docs.map((d) => canonicalJson(d)).sort();
  for (const line of lines) {
    hash.update(line).update('\n');
    count++;
  }
  return { digest: hash.digest('hex'), count };
}
