import { Kafka, logLevel, LogEntry } from 'kafkajs';

export interface KafkaSettings {
  readonly brokers: string[];
  readonly clientId: string;
  readonly partitions: number;
}

export function kafkaSettingsFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  return {
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',').map((b) => b.trim()).filter(Boolean),
    clientId,
    partitions: Number(env.KAFKA_PARTITIONS ?? 8),
  };
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
