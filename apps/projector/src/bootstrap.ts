import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, Metrics, READINESS, registerOpsRoutes } from '@app/platform';
import { ProjectorModule } from './projector.module';
import { projectorSettingsFromEnv } from './projector-settings';

/** Builds and starts the projector; used by main.ts and by tests that run it in-process. */
export async function bootstrapProjector(env: NodeJS.ProcessEnv = process.env) {
  const settings = projectorSettingsFromEnv(env); // an invalid setting stops the start here
  const app = await NestFactory.create<NestFastifyApplication>(ProjectorModule.forEnv(env, settings), new FastifyAdapter(), { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  registerOpsRoutes(app.getHttpAdapter().getInstance(), app.get(Metrics), app.get(READINESS));
  const port = settings.service.httpPort;
  await app.listen(port, settings.service.httpHost);
  logger.write('info', 'projector started', { port });
  return { app, logger };
}
