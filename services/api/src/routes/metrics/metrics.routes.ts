import type { FastifyPluginAsync } from 'fastify';
import { documented } from '../route-docs.ts';

export interface MetricsOptions {
  /** The node's metrics in the Prometheus text format. */
  collect: () => Promise<string>;
}

const PrometheusText = {
  description: 'Prometheus text exposition format 0.0.4',
  content: { 'text/plain': { schema: { type: 'string' } } },
};

/** `GET /metrics` for Prometheus: queue depth and lag, connections, memory. */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, { collect }) => {
  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: documented(
        { summary: 'Prometheus metrics', tag: 'Operations', auth: 'none', validates: false, rateLimited: false, usesStorage: false },
        { response: { 200: PrometheusText } },
      ),
    },
    async (_request, reply) => reply.type('text/plain; version=0.0.4').send(await collect()),
  );
};
