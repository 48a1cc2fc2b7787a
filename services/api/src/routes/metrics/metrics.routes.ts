import type { FastifyPluginAsync } from 'fastify';

export interface MetricsOptions {
  /** The node's metrics in the Prometheus text format. */
  collect: () => Promise<string>;
}

/** `GET /metrics` for Prometheus: queue depth and lag, connections, memory. */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, { collect }) => {
  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) =>
    reply.type('text/plain; version=0.0.4').send(await collect()),
  );
};
