import { kafkaSettingsFromEnv } from './kafka-config';

const settings = (env: Record<string, string>) => kafkaSettingsFromEnv('test', env);

describe('Kafka settings from the environment', () => {
  it('defaults to what the local single broker needs: its default replication factor, one in-sync replica', () => {
    expect(settings({})).toEqual({
      brokers: ['127.0.0.1:19092'],
      clientId: 'test',
      partitions: 8,
      durability: { replicationFactor: -1, minInsyncReplicas: 1 },
      topicPrefix: '',
      partitionsConcurrently: 2,
    });
  });

  it('takes the production values', () => {
    expect(settings({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' }).durability).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(settings({ KAFKA_REPLICATION_FACTOR: '-1', KAFKA_MIN_INSYNC_REPLICAS: '2' }).durability).toEqual({ replicationFactor: -1, minInsyncReplicas: 2 });
    expect(settings({ KAFKA_REPLICATION_FACTOR: ' 3 ', KAFKA_PARTITIONS: '16' })).toMatchObject({ partitions: 16, durability: { replicationFactor: 3 } });
  });

  it.each([
    [{ KAFKA_REPLICATION_FACTOR: '0' }, /KAFKA_REPLICATION_FACTOR must be a whole number .* got "0"/],
    [{ KAFKA_REPLICATION_FACTOR: 'three' }, /KAFKA_REPLICATION_FACTOR must be a whole number/],
    [{ KAFKA_REPLICATION_FACTOR: '2.5' }, /KAFKA_REPLICATION_FACTOR must be a whole number/],
    [{ KAFKA_MIN_INSYNC_REPLICAS: '0' }, /KAFKA_MIN_INSYNC_REPLICAS must be a whole number of in-sync replicas a write needs, at least 1; got "0"/],
    [{ KAFKA_MIN_INSYNC_REPLICAS: '-2' }, /KAFKA_MIN_INSYNC_REPLICAS must be a whole number/],
    [
      { KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' },
      /KAFKA_MIN_INSYNC_REPLICAS=3 is more than KAFKA_REPLICATION_FACTOR=2: no acks=all write could ever succeed/,
    ],
    [{ KAFKA_PARTITIONS: 'eight' }, /KAFKA_PARTITIONS must be a whole number of partitions/],
    [{ KAFKA_PARTITIONS_CONCURRENTLY: '0' }, /KAFKA_PARTITIONS_CONCURRENTLY must be a whole number of partitions, at least 1; got "0"/],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => settings(env)).toThrow(message);
  });
});
