import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';

export interface HealthOptions {
  version: string;
  /** Each dependency's check; throws when it is not usable. */
  readinessChecks: Record<string, () => Promise<void>>;
}

const CheckResults = Type.Record(Type.String(), Type.String());

/** `/health` (liveness: the process answers) and `/ready` (its dependencies answer). */
export const healthRoutes: FastifyPluginAsyncTypebox<HealthOptions> = async (app, options) => {
  app.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: {
        response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String(), uptime: Type.Number() }) },
      },
    },
    async () => ({ status: 'ok' as const, version: options.version, uptime: process.uptime() }),
  );

  app.get(
    '/ready',
    {
      config: { rateLimit: false },
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ready'), checks: CheckResults }),
          503: Type.Object({ status: Type.Literal('unavailable'), checks: CheckResults }),
        },
      },
    },
    async (request, reply) => {
      const checks: Record<string, string> = {};
      await Promise.all(
        Object.entries(options.readinessChecks).map(async ([name, check]) => {
          try {
            await check();
            checks[name] = 'ok';
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
