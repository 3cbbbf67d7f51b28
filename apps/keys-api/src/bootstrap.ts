import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { JsonLogger, MatrixExceptionFilter, Metrics, READINESS, registerOpsRoutes, toMatrixError, withCorrelation } from '@app/platform';
import { KeysApiModule } from './keys-api.module';

/** Builds and starts the keys-api; used by main.ts and by the e2e tests (several instances at once). */
export async function bootstrapKeysApi(port = Number(process.env.HTTP_PORT ?? 8080)) {
  const adapter = new FastifyAdapter({
    bodyLimit: Number(process.env.BODY_LIMIT_BYTES ?? 10 * 1024 * 1024),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID()),
  });
  const app = await NestFactory.create<NestFastifyApplication>(KeysApiModule, adapter, { bufferLogs: true });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  app.useGlobalFilters(new MatrixExceptionFilter(logger));
  const fastify = app.getHttpAdapter().getInstance();
  // Correlation id for everything done on behalf of this request (logs, command envelopes).
  fastify.addHook('onRequest', (request, _reply, done) => withCorrelation(String(request.id), done));
  // Errors raised before Nest routing (malformed JSON, too large, unknown path) as Matrix errors too.
  fastify.setErrorHandler((error, _request, reply) => {
    const matrixError = toMatrixError(error);
    reply.status(matrixError.status).headers(matrixError.headers).send(matrixError.body());
  });
  fastify.setNotFoundHandler((_request, reply) => {
    reply.status(404).send({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  });
  registerOpsRoutes(fastify, app.get(Metrics), app.get(READINESS));
  await app.listen(port, process.env.HTTP_HOST ?? '127.0.0.1');
  const address = fastify.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : String(address);
  return { app, logger, url };
}
