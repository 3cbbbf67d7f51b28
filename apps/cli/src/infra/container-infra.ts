/**
 * Kafka and MongoDB as throwaway containers for the test tiers (`infra with --tests`, chosen by
 * `infra-choice.ts`), through @testcontainers/kafka and @testcontainers/mongodb.
 *
 * NOT RUN ON THE PROJECT'S OWN MACHINES: they have no container engine, so `npm test` there takes
 * the local Kafka and FerretDB processes and this file is only typechecked. The packages are
 * devDependencies loaded here with a dynamic import, so the local path never loads them.
 */

/** Confluent's image: @testcontainers/kafka configures cp-kafka (KRaft from 8.0, Apache Kafka 4.0). */
export const TEST_KAFKA_IMAGE = 'confluentinc/cp-kafka:8.0.0';
/** The MongoDB of docker-compose.yml. */
export const TEST_MONGO_IMAGE = 'mongo:7.0';
/** The plaintext listener @testcontainers/kafka exposes to the host. */
const KAFKA_HOST_PORT = 9093;

/**
 * The broker settings of the local Kafka (`infra.ts`, kafkaProperties) that the suites rely on:
 * topics are created by the services with their own partition counts, never on first use.
 */
const KAFKA_SETTINGS: Record<string, string> = {
  KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
  KAFKA_DELETE_TOPIC_ENABLE: 'true',
  KAFKA_NUM_PARTITIONS: '8',
  KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '8',
  KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
  KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
  KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
  KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
};

export interface ContainerLease {
  /** KAFKA_BROKERS and MONGODB_URI of the containers, for the command run with them. */
  readonly env: Record<string, string>;
  release(): Promise<void>;
}

/** Starts both containers at once; if one fails, the other is stopped and the error is thrown. */
export async function startTestContainers(log: (msg: string) => void): Promise<ContainerLease> {
  const [{ KafkaContainer }, { MongoDBContainer }] = await Promise.all([import('@testcontainers/kafka'), import('@testcontainers/mongodb')]);
  log(`starting containers ${TEST_KAFKA_IMAGE} and ${TEST_MONGO_IMAGE}`);
  const [kafka, mongo] = await Promise.allSettled([
    new KafkaContainer(TEST_KAFKA_IMAGE).withEnvironment(KAFKA_SETTINGS).start(),
    new MongoDBContainer(TEST_MONGO_IMAGE).start(),
  ]);
  if (kafka.status === 'rejected' || mongo.status === 'rejected') {
    await Promise.allSettled([kafka, mongo].map((c) => (c.status === 'fulfilled' ? c.value.stop() : undefined)));
    throw kafka.status === 'rejected' ? kafka.reason : (mongo as PromiseRejectedResult).reason;
  }
  const env = {
    KAFKA_BROKERS: `${kafka.value.getHost()}:${kafka.value.getMappedPort(KAFKA_HOST_PORT)}`,
    // The container is a one-member replica set that knows itself by its container host name:
    // without directConnection the driver would follow that name, which the host cannot resolve.
    MONGODB_URI: `${mongo.value.getConnectionString()}/?directConnection=true`,
  };
  log(`kafka ready at ${env.KAFKA_BROKERS}; mongodb ready at ${env.MONGODB_URI}`);
  return {
    env,
    release: async () => {
      await Promise.allSettled([kafka.value.stop(), mongo.value.stop()]);
    },
  };
}
