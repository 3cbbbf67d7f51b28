import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, Metrics, READINESS, registerOpsRoutes } from '@app/platform';
import { ProjectorModule } from './projector.module';

/** Builds and starts the projector; used by main.ts and by tests that run it in-process. */
export async function bootstrapProjector(env: NodeJS.ProcessEnv = process.env) {
  const app = await NestFactory.create<NestFastifyApplication>(ProjectorModule.forEnv(env), new FastifyAdapter(), { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  registerOpsRoutes(app.getHttpAdapter().getInstance(), app.get(Metrics), app.get(READINESS));
  const port = Number(env.HTTP_PORT ?? 8082);
  await app.listen(port, env.HTTP_HOST ?? '127.0.0.1');
  logger.write('info', 'projector started', { port });
  return { app, logger };
}
