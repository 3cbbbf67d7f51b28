import { processorSettingsFromEnv } from './processor-settings';

describe('command-processor settings', () => {
  it('keeps the defaults', () => {
    expect(processorSettingsFromEnv({})).toEqual({
      service: { httpPort: 8081, httpHost: '127.0.0.1', logLevel: 'info' },
      snapshotIntervalMs: 1000,
      snapshotBuckets: 32,
      snapshotWriteDelayMs: 0,
    });
  });

  it.each([
    [{ SNAPSHOT_INTERVAL_MS: '0' }, 'SNAPSHOT_INTERVAL_MS must be a whole number of milliseconds, at least 1; got "0"'],
    [{ SNAPSHOT_BUCKETS: 'NaN' }, 'SNAPSHOT_BUCKETS must be a whole number of collections, at least 1; got "NaN"'],
    [{ SNAPSHOT_WRITE_DELAY_MS: '-1' }, 'SNAPSHOT_WRITE_DELAY_MS must be a whole number of milliseconds, at least 0'],
  ])('refuses %j', (env, message) => {
    expect(() => processorSettingsFromEnv(env)).toThrow(message);
  });
});
