import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Db, MongoClient } from 'mongodb';
import { TopicNames, fixedPartitionCounts, topicNames } from '@app/contracts';
import { KafkaKeyedProducer, KafkaSettings, TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { MongoSettings, createMongo, mongoSettingsFromEnv } from '@app/mongo';
import { JsonLogger } from './json-logger';
import { Metrics } from './metrics';
import { ReadinessCheck } from './health';
import { KafkaBus } from './kafka-bus';
import { logLevelFromEnv } from './service-settings';

export const MONGO_CLIENT = Symbol('MONGO_CLIENT');
export const MONGO_DB = Symbol('MONGO_DB');
export const MONGO_SETTINGS = Symbol('MONGO_SETTINGS');
export const READINESS = Symbol('READINESS');

@Injectable()
class InfrastructureShutdown implements OnApplicationShutdown {
  constructor(
    private readonly bus: KafkaBus,
    @Inject(MONGO_CLIENT) private readonly mongo: MongoClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.bus.producer.disconnect(), this.bus.admin.disconnect()]);
    await this.mongo.close().catch(() => undefined);
  }
}

/** Kafka, MongoDB, logger and metrics for one service, configured from the environment. */
@Global()
@Module({})
export class InfrastructureModule {
  static forService(service: string, env: NodeJS.ProcessEnv): DynamicModule {
    const logger = new JsonLogger(service, logLevelFromEnv(env));
    const metrics = new Metrics(service);
    const kafkaSettings = kafkaSettingsFromEnv(service, env);
    const kafka = createKafka(kafkaSettings, (level, message, fields) => logger.write(level, message, fields));
    const mongoSettings = mongoSettingsFromEnv(env);
    const mongo = createMongo(mongoSettings, service);
    const admin = new TopicAdmin(kafka);
    const topics = topicNames(kafkaSettings.topicPrefix);
    const producer = new KafkaKeyedProducer(kafka, kafkaSettings.partitions, fixedPartitionCounts(topics));
    const readiness: ReadinessCheck[] = [
      { name: 'kafka', check: () => admin.ping() },
      { name: 'mongodb', check: async () => void (await mongo.db.command({ ping: 1 })) },
    ];
    return {
      module: InfrastructureModule,
      providers: [
        { provide: JsonLogger, useValue: logger },
        { provide: Metrics, useValue: metrics },
        { provide: KafkaBus, useValue: new KafkaBus(kafka, kafkaSettings, topics, admin, producer) },
        { provide: MONGO_CLIENT, useValue: mongo.client },
        { provide: MONGO_DB, useValue: mongo.db },
        { provide: MONGO_SETTINGS, useValue: mongoSettings },
        { provide: READINESS, useValue: readiness },
        InfrastructureShutdown,
      ],
      exports: [JsonLogger, Metrics, KafkaBus, MONGO_CLIENT, MONGO_DB, MONGO_SETTINGS, READINESS],
    };
  }
}

export type { Kafka, Db, KafkaSettings, MongoSettings, TopicNames };
