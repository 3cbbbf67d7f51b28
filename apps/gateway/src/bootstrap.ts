import { FastifyInstance } from 'fastify';
import { topicNames } from '@app/contracts';
import { KafkaKeyedProducer, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { JsonLogger } from '@app/platform';
import { gatewaySettingsFromEnv } from './config/gateway.settings';
import { HttpHomeserverAccounts } from './devices/homeserver-accounts';
import { KafkaDeviceEventSink } from './devices/kafka-device-event-sink';
import { buildGateway } from './server';

export interface RunningGateway {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly logger: JsonLogger;
  close(): Promise<void>;
}

/** Builds and starts the gateway; used by main.ts and by the e2e tests. */
export async function bootstrapGateway(env: NodeJS.ProcessEnv = process.env): Promise<RunningGateway> {
  const settings = gatewaySettingsFromEnv(env); // an invalid setting stops the start here
  const logger = new JsonLogger('gateway', settings.service.logLevel);
  const kafka = settings.publishDevices ? kafkaSettingsFromEnv('gateway', env) : null;
  const producer = kafka
    ? new KafkaKeyedProducer(
        createKafka(kafka, (level, msg, fields) => logger.write(level, msg, fields)),
        kafka.partitions,
      )
    : null;
  const app = await buildGateway(settings, {
    accounts: new HttpHomeserverAccounts(settings.homeserverUrl),
    sink: producer ? new KafkaDeviceEventSink(producer, topicNames(kafka!.topicPrefix)) : null,
    log: (level, msg, fields) => logger.write(level, msg, fields),
  });
  await app.listen({ port: settings.service.httpPort, host: settings.service.httpHost });
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : String(address);
  return {
    app,
    url,
    logger,
    async close() {
      await app.close();
      await producer?.disconnect();
    },
  };
}
