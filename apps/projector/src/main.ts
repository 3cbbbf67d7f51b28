import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, Metrics, READINESS, registerOpsRoutes } from '@app/platform';
import { ProjectorModule } from './projector.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(ProjectorModule, new FastifyAdapter(), { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  registerOpsRoutes(app.getHttpAdapter().getInstance(), app.get(Metrics), app.get(READINESS));
  const port = Number(process.env.HTTP_PORT ?? 8082);
  await app.listen(port, process.env.HTTP_HOST ?? '127.0.0.1');
  logger.write('info', 'projector started', { port });
}

void bootstrap();
