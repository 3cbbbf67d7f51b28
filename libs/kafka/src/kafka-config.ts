import { Kafka, logLevel, LogEntry } from 'kafkajs';

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
}

/** Throws, naming the variable, when a setting is not what Kafka could work with: a service refuses to start on it. */
export function kafkaSettingsFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim()).filter(Boolean),
    clientId,
    partitions: wholeNumber(env, 'KAFKA_PARTITIONS', 8, 'partitions'),
    durability: durabilityFromEnv(env),
  };
}

/** Defaults fit the local single broker; a production cluster sets 3 and 2 (see README, "Configuration"). */
export function durabilityFromEnv(env: NodeJS.ProcessEnv): TopicDurability {
  const raw = env.KAFKA_REPLICATION_FACTOR?.trim();
  const replicationFactor = raw === undefined || raw === '' || raw === '-1' ? -1 : wholeNumber(env, 'KAFKA_REPLICATION_FACTOR', -1, 'brokers holding each partition (or -1 for the broker\'s default.replication.factor)');
  const minInsyncReplicas = wholeNumber(env, 'KAFKA_MIN_INSYNC_REPLICAS', 1, 'in-sync replicas a write needs');
  if (replicationFactor !== -1 && minInsyncReplicas > replicationFactor) {
    throw new Error(
      `KAFKA_MIN_INSYNC_REPLICAS=${minInsyncReplicas} is more than KAFKA_REPLICATION_FACTOR=${replicationFactor}: no acks=all write could ever succeed`,
    );
  }
  return { replicationFactor, minInsyncReplicas };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, meaning: string): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of ${meaning}, at least 1; got ${JSON.stringify(env[name])}`);
  return value;
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
