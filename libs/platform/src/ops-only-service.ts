import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger } from './json-logger';
import { Metrics } from './metrics';
import { READINESS } from './infrastructure.module';
import { registerOpsRoutes } from './ops-http';
import { ServiceSettings } from './service-settings';

/**
 * Builds and starts a service whose only HTTP routes are the ops ones (health, metrics): the
 * command-processor and the projector start the same way and differ only in their module.
 */
export async function startOpsOnlyService(module: DynamicModule, service: ServiceSettings, name: string) {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  registerOpsRoutes(app.getHttpAdapter().getInstance(), app.get(Metrics), app.get(READINESS));
  await app.listen(service.httpPort, service.httpHost);
  logger.write('info', `${name} started`, { port: service.httpPort });
  return { app, logger };
}
