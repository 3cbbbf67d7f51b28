import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, Metrics, READINESS, registerOpsRoutes } from '@app/platform';
import { ProcessorModule } from './processor.module';
import { processorSettingsFromEnv } from './processing/processor-settings';

/** Builds and starts the command-processor; used by main.ts and by tests that run it in-process. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env) {
  const settings = processorSettingsFromEnv(env); // an invalid setting stops the start here
  const app = await NestFactory.create<NestFastifyApplication>(ProcessorModule.forEnv(env, settings), new FastifyAdapter(), { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  registerOpsRoutes(app.getHttpAdapter().getInstance(), app.get(Metrics), app.get(READINESS));
  const port = settings.service.httpPort;
  await app.listen(port, settings.service.httpHost);
  logger.write('info', 'command-processor started', { port });
  return { app, logger };
}
