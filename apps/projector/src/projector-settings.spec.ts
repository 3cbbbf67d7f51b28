import { projectorSettingsFromEnv } from './projector-settings';

describe('projector settings', () => {
  it('keeps the defaults', () => {
    expect(projectorSettingsFromEnv({})).toEqual({
      service: { httpPort: 8082, httpHost: '127.0.0.1', logLevel: 'info' },
      projection: { buckets: 64, bucketWriters: 4, replayMemoryEntries: 500_000 },
      tuning: { bulkChunk: 8, bucketWriters: 4 },
    });
  });

  it('passes MONGODB_BULK_CHUNK and PROJECTION_BUCKET_WRITERS to the writes', () => {
    expect(projectorSettingsFromEnv({ MONGODB_BULK_CHUNK: '100', PROJECTION_BUCKET_WRITERS: '1', PROJECTION_BUCKETS: '1' })).toMatchObject({
      projection: { buckets: 1, bucketWriters: 1 },
      tuning: { bulkChunk: 100, bucketWriters: 1 },
    });
  });

  it.each([
    [{ PROJECTION_BUCKETS: '0' }, 'PROJECTION_BUCKETS must be a whole number of collections, at least 1; got "0"'],
    [{ PROJECTION_BUCKET_WRITERS: 'four' }, 'PROJECTION_BUCKET_WRITERS must be a whole number of buckets, at least 1'],
    [{ REPLAY_MEMORY_ENTRIES: '5e5' }, 'REPLAY_MEMORY_ENTRIES must be a whole number of documents, at least 0; got "5e5"'],
    [{ MONGODB_BULK_CHUNK: '0' }, 'MONGODB_BULK_CHUNK must be a whole number of statements, at least 1'],
  ])('refuses %j', (env, message) => {
    expect(() => projectorSettingsFromEnv(env)).toThrow(message);
  });
});
