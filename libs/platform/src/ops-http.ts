import { FastifyInstance } from 'fastify';
import { Metrics } from './metrics';
import { ReadinessCheck, runChecks } from './health';

/**
 * /health (liveness), /health/ready (Kafka and MongoDB reachable) and /metrics (Prometheus),
 * registered straight on Fastify so that they bypass auth and Matrix routing.
 */
export function registerOpsRoutes(fastify: FastifyInstance, metrics: Metrics, checks: readonly ReadinessCheck[]): void {
  fastify.get('/health', async () => ({ status: 'ok' }));
  fastify.get('/health/ready', async (_request, reply) => {
    const result = await runChecks(checks);
    reply.status(result.ok ? 200 : 503).send({ status: result.ok ? 'ready' : 'unavailable', checks: result.checks });
  });
  fastify.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.labels(request.method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
  });
}
