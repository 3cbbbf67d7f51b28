import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, Metrics, READINESS, registerOpsRoutes } from '@app/platform';
import { ProcessorModule } from './processor.module';

/** Builds and starts the command-processor; used by main.ts and by tests that run it in-process. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env) {
  const app = await NestFactory.create<NestFastifyApplication>(ProcessorModule.forEnv(env), new FastifyAdapter(), { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  registerOpsRoutes(app.getHttpAdapter().getInstance(), app.get(Metrics), app.get(READINESS));
  const port = Number(env.HTTP_PORT ?? 8081);
  await app.listen(port, env.HTTP_HOST ?? '127.0.0.1');
  logger.write('info', 'command-processor started', { port });
  return { app, logger };
}
