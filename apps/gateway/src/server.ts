import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { Agent } from 'undici';
import { answerClientError, answerFrameworkError } from '@app/platform';
import { GatewaySettings } from './config/gateway.settings';
import { DeviceEventSink } from './devices/device-events';
import { HomeserverAccounts } from './devices/homeserver-accounts';
import { trackDevices } from './devices/track-devices';
import { BodyTooLarge, sendMatrixError } from './proxy/matrix-reply';
import { routeOf } from './routing/route-of';
import { HttpSyncUpstreams } from './sync/http-sync-upstreams';
import { mergedSync } from './sync/merged-sync';

export interface GatewayPorts {
  readonly accounts: HomeserverAccounts;
  /** Null: devices are not published (GATEWAY_PUBLISH_DEVICES=false). */
  readonly sink: DeviceEventSink | null;
  readonly log: (level: 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'] as const;

/** The HTTP side of the gateway: one catch-all route that decides per request where it goes. */
export async function buildGateway(settings: GatewaySettings, ports: GatewayPorts): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    requestTimeout: 0,
    bodyLimit: settings.bodyLimitBytes,
    routerOptions: { maxParamLength: 8192 },
    return503OnClosing: true,
    // What Fastify and Node refuse before a route runs gets a Matrix body too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  // Bodies stay streams: proxied as they came, read only where the gateway learns from them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  await app.register(replyFrom, {
    undici: { connections: 256, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 },
    disableRequestLogging: true,
  });

  // The merged /sync's own calls to both sources, on kept-alive connections (cut when the server closes).
  const syncPool = new Agent({ connections: 256, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  app.addHook('onClose', async () => syncPool.destroy());

  const upstreamFailed = (reply: FastifyReply, error: Error) => {
    ports.log('warn', 'upstream failed', { err: error.message });
    if (!reply.sent) sendMatrixError(reply, 502, 'M_UNKNOWN', 'The server behind the gateway could not be reached');
  };
  const forward = (reply: FastifyReply, base: string, url: string) =>
    reply.from(`${base}${url}`, { onError: (rep, { error }) => upstreamFailed(rep as FastifyReply, error) });

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    // Preflights are the homeserver's (it answers CORS for every path).
    const route = request.method === 'OPTIONS' ? { kind: 'homeserver' as const } : routeOf(request.method, request.url);
    switch (route.kind) {
      case 'keys':
        return forward(reply, settings.keyserverUrl, request.url);
      case 'homeserver':
        return forward(reply, settings.homeserverUrl, request.url);
      case 'sync': {
        const q = request.url.indexOf('?');
        const [path, qs] = q === -1 ? [request.url, ''] : [request.url.slice(0, q), request.url.slice(q + 1)];
        const upstreams = new HttpSyncUpstreams(syncPool, settings.homeserverUrl, settings.keyserverUrl, request.headers.authorization, path);
        // A client that goes away (js-sdk aborts its sync on stop) ends both polls.
        const gone = new AbortController();
        reply.raw.on('close', () => reply.raw.writableEnded || gone.abort());
        const answer = await mergedSync(upstreams, new URLSearchParams(qs), gone.signal);
        reply.code(answer.status).headers(answer.headers);
        return reply.send(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
      }
      default:
        if (!ports.sink) return forward(reply, settings.homeserverUrl, request.url);
        return trackDevices(route, request, reply, settings.homeserverUrl, {
          accounts: ports.accounts,
          sink: ports.sink,
          bodyLimitBytes: settings.bodyLimitBytes,
          warn: (msg, fields) => ports.log('warn', msg, fields),
        });
    }
  };
  app.route({ method: [...METHODS], url: '/', handler: handle });
  app.route({ method: [...METHODS], url: '/*', handler: handle });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    // A body left half-read blocks the connection's next request: close it after this answer.
    if (!request.raw.complete) reply.header('connection', 'close');
    if (error instanceof BodyTooLarge || error.statusCode === 413) return sendMatrixError(reply, 413, 'M_TOO_LARGE', 'Request body too large');
    if (error.statusCode === 400) return sendMatrixError(reply, 400, 'M_BAD_JSON', error.message);
    if (reply.raw.destroyed) return reply; // the client went away: nobody to answer
    ports.log('error', 'gateway request failed', { err: error.message });
    return sendMatrixError(reply, 502, 'M_UNKNOWN', 'The server behind the gateway could not be reached');
  });
  return app;
}
