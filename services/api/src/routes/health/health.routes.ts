import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthResponse, NotReadyResponse, ReadyResponse } from '@heyyo/contracts';
import { withDeadline } from '@heyyo/config';
import { documented } from '../route-docs.ts';

/** One readiness check: throws when its dependency is not usable; 'saturated' when the node works at its bound. */
export type ReadinessCheck = () => Promise<void | 'ok' | 'saturated'>;

export interface HealthOptions {
  version: string;
  readinessChecks: Record<string, ReadinessCheck>;
}

const probe = { auth: 'none', tag: 'Operations', validates: false, rateLimited: false, usesStorage: false } as const;

/**
 * How long /ready waits for one dependency. A stalled one (a partitioned Redis answers nothing
 * and errs nothing) counts as unavailable, so /ready answers within half a second, inside any
 * probe's timeout, and a load balancer steers away at once.
 */
export const READINESS_CHECK_DEADLINE_MS = 400;


/** `/health` (liveness: the process answers) and `/ready` (its dependencies answer). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, options) => {
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: documented(
        { ...probe, summary: 'Liveness', description: 'The process answers; for liveness probes.' },
        { response: { 200: HealthResponse } },
      ),
    },
    async () => ({ status: 'ok' as const, version: options.version, uptime: process.uptime() }),
  );

  app.get(
    '/ready',
    {
      config: { rateLimit: false },
      schema: documented(
        {
          ...probe,
          summary: 'Readiness',
          description:
            "This node's dependencies answer (Postgres, Redis) and it has room for more work; 503 while a dependency " +
            'does not answer or the node works at its bound (`load: saturated`). For load balancers and readiness probes.',
        },
        { response: { 200: ReadyResponse, 503: NotReadyResponse } },
      ),
    },
    async (request, reply) => {
      const checks: Record<string, 'ok' | 'unavailable' | 'saturated'> = {};
      await Promise.all(
        Object.entries(options.readinessChecks).map(async ([name, check]) => {
          try {
            checks[name] = (await withDeadline(check(), READINESS_CHECK_DEADLINE_MS, name)) ?? 'ok';
          } catch (error) {
            request.log.warn({ err: error, dependency: name }, 'readiness check failed');
            checks[name] = 'unavailable';
          }
        }),
      );
      const ready = Object.values(checks).every((result) => result === 'ok');
      if (ready) return { status: 'ready' as const, checks };
      return reply.status(503).send({ status: 'unavailable' as const, checks });
    },
  );
};
