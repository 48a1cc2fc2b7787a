import type { FastifyPluginAsync } from 'fastify';
import { documented } from '../route-docs.ts';

export interface MetricsOptions {
  /** The node's metrics in the Prometheus text format, and its content type. */
  scrape: () => Promise<{ contentType: string; text: string }>;
}

const PrometheusText = {
  description: 'Prometheus text exposition format 0.0.4',
  content: { 'text/plain': { schema: { type: 'string' } } },
};

/** `GET /metrics` for Prometheus: the process, requests and socket events, the overload bound, queues. */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, { scrape }) => {
  app.get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: documented(
        { summary: 'Prometheus metrics', tag: 'Operations', auth: 'none', validates: false, rateLimited: false, usesStorage: false },
        { response: { 200: PrometheusText } },
      ),
    },
    async (_request, reply) => {
      const { contentType, text } = await scrape();
      return reply.type(contentType).send(text);
    },
  );
};
