import { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document } from 'mongodb';

/**
 * FerretDB (SQLite backend, v1.24) keeps every statement of one `update` command open on its own
 * SQLite connection until the whole command ends, and its pool has 100 connections: one
 * bulkWrite of more than ~100 replaceOne statements (or several large ones at once) waits for a
 * connection forever. Writes are therefore sent in chunks of `chunk` statements (MongoSettings.bulkChunk,
 * MONGODB_BULK_CHUNK); real MongoDB can use a larger one.
 */
export async function bulkWriteChunked<T extends Document>(
  collection: Collection<T>,
  operations: readonly AnyBulkWriteOperation<T>[],
  options: BulkWriteOptions,
  chunk: number,
  onChunkError: (err: unknown) => void = (err) => {
    throw err;
  },
): Promise<void> {
  for (let i = 0; i < operations.length; i += chunk) {
    try {
      await collection.bulkWrite(operations.slice(i, i + chunk) as AnyBulkWriteOperation<T>[], options);
    } catch (err) {
      onChunkError(err);
    }
  }
}
