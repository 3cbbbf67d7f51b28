import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { MatrixError } from '@app/matrix';
import {
  JsonLogger,
  MAX_REQUEST_HEAD_BYTES,
  MatrixExceptionFilter,
  Metrics,
  READINESS,
  answerClientError,
  answerFrameworkError,
  registerOpsRoutes,
  withCorrelation,
} from '@app/platform';
import { KeysApiModule } from './keys-api.module';
import { CommandGateway } from './command-gateway/command-gateway';
import { assertPathParams } from './validation/path-params';
import { nestsDeeperThan } from './validation/json-depth';
import { CommandDecidersCheck } from './readiness/command-deciders.check';
import { keysApiSettingsFromEnv } from './config/keys-api.settings';

/** Builds and starts the keys-api; used by main.ts and by the e2e tests (several instances at once). */
export async function bootstrapKeysApi(env: NodeJS.ProcessEnv = process.env) {
  const settings = keysApiSettingsFromEnv(env); // an invalid setting stops the start here
  const adapter = new FastifyAdapter({
    bodyLimit: settings.bodyLimitBytes,
    // Fastify's default (100) answered a long txn or room id with its own 414 before any route ran:
    // any parameter that fits in a request reaches the route, which answers a Matrix error.
    routerOptions: { maxParamLength: MAX_REQUEST_HEAD_BYTES },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : randomUUID(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(KeysApiModule.forEnv(env, settings), adapter, { bufferLogs: true, bodyParser: false });
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.enableShutdownHooks();
  app.useGlobalFilters(new MatrixExceptionFilter(logger));
  const fastify = app.getHttpAdapter().getInstance();
  // Correlation id for everything done on behalf of this request (logs, command envelopes).
  fastify.addHook('onRequest', (request, _reply, done) => withCorrelation(String(request.id), done));
  fastify.addHook('onRequest', async (request) => assertPathParams(request.params));
  // Matrix clients do not always send a content type; every body is parsed as JSON, and a body
  // that is not JSON is M_NOT_JSON (the filter sees this error as it is).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  fastify.addContentTypeParser('*', { parseAs: 'string' }, parseJsonBody);
  const gateway = app.get(CommandGateway);
  registerOpsRoutes(fastify, app.get(Metrics), [
    ...app.get(READINESS),
    { name: 'command-replies', check: async () => gateway.assertReady() },
    app.get(CommandDecidersCheck),
  ]);
  await app.listen(settings.service.httpPort, settings.service.httpHost);
  const address = fastify.server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : String(address);
  return { app, logger, url };
}

function parseJsonBody(_request: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return done(null, undefined);
  if (nestsDeeperThan(text)) return done(new MatrixError('M_BAD_JSON', 'Content nested too deep'));
  try {
    done(null, JSON.parse(text));
  } catch {
    done(new MatrixError('M_NOT_JSON', 'Content not JSON'));
  }
}
