import type { FastifyInstance } from 'fastify';

/** What the HTTP app reports to and reads from the node's metrics (services/node/src/metrics.ts). */
export interface HttpMetrics {
  /** Every metric in the Prometheus text format, and its content type. */
  scrape(): Promise<{ contentType: string; text: string }>;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/**
 * Records every answered request by its route pattern (`/api/channels/:id`, never the URL: the
 * labels stay bounded whatever clients send; `unmatched` for a 404 without a route).
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: HttpMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
}
