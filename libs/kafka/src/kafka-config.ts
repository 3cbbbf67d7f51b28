import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { DEFAULT_PARTITIONS, Env, textSetting, wholeNumberSetting } from '@app/contracts';

/** How many brokers hold each partition, and how many must have a write before acks=all succeeds. */
export interface TopicDurability {
  /** -1: the broker's `default.replication.factor`. */
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

export interface KafkaSettings {
  readonly brokers: string[];
  readonly clientId: string;
  readonly partitions: number;
  /** Applied to every topic the services create. */
  readonly durability: TopicDurability;
  /** KAFKA_TOPIC_PREFIX: lets several systems (or test runs) share one cluster. */
  readonly topicPrefix: string;
  /** KAFKA_PARTITIONS_CONCURRENTLY: partitions one consumer handles at once (FerretDB's pool is small). */
  readonly partitionsConcurrently: number;
}

/** Throws, naming the variable, when a setting is not what Kafka could work with: a service refuses to start on it. */
export function kafkaSettingsFromEnv(clientId: string, env: Env): KafkaSettings {
  return {
    brokers: textSetting(env, 'KAFKA_BROKERS', '127.0.0.1:19092')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    clientId,
    partitions: wholeNumberSetting(env, 'KAFKA_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, meaning: 'partitions' }),
    durability: durabilityFromEnv(env),
    topicPrefix: textSetting(env, 'KAFKA_TOPIC_PREFIX', ''),
    partitionsConcurrently: wholeNumberSetting(env, 'KAFKA_PARTITIONS_CONCURRENTLY', 2, { min: 1, meaning: 'partitions' }),
  };
}

/** Defaults fit the local single broker; a production cluster sets 3 and 2 (see README, "Configuration"). */
export function durabilityFromEnv(env: Env): TopicDurability {
  const raw = env.KAFKA_REPLICATION_FACTOR?.trim();
  const replicationFactor =
    raw === undefined || raw === '' || raw === '-1'
      ? -1
      : wholeNumberSetting(env, 'KAFKA_REPLICATION_FACTOR', -1, {
          min: 1,
          meaning: "brokers holding each partition (or -1 for the broker's default.replication.factor)",
        });
  const minInsyncReplicas = wholeNumberSetting(env, 'KAFKA_MIN_INSYNC_REPLICAS', 1, { min: 1, meaning: 'in-sync replicas a write needs' });
  if (replicationFactor !== -1 && minInsyncReplicas > replicationFactor) {
    throw new Error(
      `KAFKA_MIN_INSYNC_REPLICAS=${minInsyncReplicas} is more than KAFKA_REPLICATION_FACTOR=${replicationFactor}: no acks=all write could ever succeed`,
    );
  }
  return { replicationFactor, minInsyncReplicas };
}
type LogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string, fields: Record<string, unknown>) => void;

// Messages carry explicit partitions (partitioner.ts), so the kafkajs partitioner notice does not apply.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

export function createKafka(settings: KafkaSettings, log?: LogSink): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'info';
      const { message, correlationId: kafkaCorrelationId, ...fields } = entry.log;
      log(level, `kafka: ${message}`, { namespace: entry.namespace, kafkaCorrelationId, ...fields });
    },
  });
}
