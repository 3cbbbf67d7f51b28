import { randomBytes } from 'node:crypto';

/**
 * Integration and e2e suites run against the real Kafka and FerretDB started by
 * `npm test` (the infra CLI sets KAFKA_BROKERS and MONGODB_URI). Each suite gets its own topic
 * prefix, consumer groups and database, so suites cannot see each other's data.
 */
export function suiteEnv(suite: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { KAFKA_BROKERS, MONGODB_URI } = process.env;
  if (!KAFKA_BROKERS || !MONGODB_URI) {
    throw new Error('KAFKA_BROKERS and MONGODB_URI are not set: run these tests with `npm test` (or `npm run infra -- with -- npx jest ...`)');
  }
  const id = `${suite}-${randomBytes(4).toString('hex')}`;
  return {
    PATH: process.env.PATH,
    KAFKA_BROKERS,
    MONGODB_URI,
    KAFKA_TOPIC_PREFIX: `t.${id}.`,
    KAFKA_PARTITIONS: '4',
    PROJECTION_BUCKETS: '4', // several, so every test crosses buckets; fewer collections to create per suite
    MONGODB_DB: `t_${id.replace(/-/g, '_')}`,
    SERVER_NAME: 'test.local',
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: 'test-secret',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    ...(process.env.MONGODB_COMMAND_LOG ? { MONGODB_COMMAND_LOG: process.env.MONGODB_COMMAND_LOG } : {}),
    ...overrides,
  };
}
