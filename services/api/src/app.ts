import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ChatServices, CredentialLimiter, WorkGate } from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import type { Logger } from '@heyyo/logging';
import { redisKeys, type WriteBudget } from '@heyyo/realtime';
import { requireAppCredentials, requireUserOrApp } from './plugins/auth.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { openApiOptions } from './docs/openapi.ts';
import { registerJsonBodyParser } from './plugins/json-body.ts';
import { registerOutgoingCheck } from './plugins/outgoing-check.ts';
import { registerRateLimit } from './plugins/rate-limit.ts';
import { validatorCompiler } from './plugins/validation.ts';
import { appsRoutes } from './routes/apps/apps.routes.ts';
import { authRoutes } from './routes/auth/auth.routes.ts';
import { channelsRoutes } from './routes/channels/channels.routes.ts';
import { demoPageRoutes } from './routes/demo/demo-page.routes.ts';
import { demoRoutes } from './routes/demo/demo.routes.ts';
import { docsRoutes } from './routes/docs/docs.routes.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health/health.routes.ts';
import { registerWorkGate } from './plugins/work-gate.ts';
import { registerRequestMetrics, type HttpMetrics } from './plugins/request-metrics.ts';
import { messagesRoutes } from './routes/messages/messages.routes.ts';
import { appBansRoutes } from './routes/moderation/app-bans.routes.ts';
import { moderationRoutes } from './routes/moderation/moderation.routes.ts';
import { metricsRoutes } from './routes/metrics/metrics.routes.ts';
import { usersRoutes } from './routes/users/users.routes.ts';
import { verifyRoutes } from './routes/auth/verify.routes.ts';
import { webhooksRoutes } from './routes/webhooks/webhooks.routes.ts';

export interface ApiAppOptions {
  config: Readonly<Config>;
  logger: Logger;
  services: ChatServices;
  /** Dependencies /ready checks, by name. */
  readinessChecks: Record<string, ReadinessCheck>;
  /** What /metrics reports, and where request durations are recorded. */
  metrics: HttpMetrics;
  /** Shared rate-limit counters; undefined: counted in this process (memory engine). */
  redis: Redis | undefined;
  /** Each user's budget of messages and reactions, shared with their sockets. */
  writeBudget: WriteBudget;
  /** Failed credential checks per IP and api_key, shared with the gateway's handshakes. */
  credentialLimiter: CredentialLimiter;
  /** The node's bound on work in progress, shared with the gateway's socket events. */
  workGate: WorkGate;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The REST API as a Fastify instance, not yet listening (tests use `inject`). */
export async function buildApp(options: ApiAppOptions): Promise<FastifyInstance> {
  const { config, services } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: config.limits.bodyBytes,
    trustProxy: config.http.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
    // Keep a caller's request id when it is sane, so one id follows a request across services.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.decorateRequest('tenant', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  // First of the request hooks: an overloaded node refuses before it authenticates anything.
  registerWorkGate(app, options.workGate);
  registerRequestMetrics(app, options.metrics);
  registerJsonBodyParser(app);
  if (config.checkOutgoingShapes) registerOutgoingCheck(app);
  // Before any route: it collects every route's schema into the OpenAPI document.
  await app.register(swagger, openApiOptions(config.version));

  await app.register(cors, {
    origin: config.http.corsOrigins.includes('*') ? true : config.http.corsOrigins,
    // @fastify/cors allows only GET, HEAD and POST by default: a browser could not edit or delete.
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed', 'x-total-count', 'link'],
    maxAge: 600,
  });
  const rateLimitNameSpace = redisKeys(config.redis.keyPrefix).rateLimit;
  await registerRateLimit(app, {
    max: config.limits.rateLimitMax,
    windowMs: config.limits.rateLimitWindowMs,
    redis: options.redis,
    nameSpace: rateLimitNameSpace,
  });
  // Failed credential checks are counted by the limiter before the (post-auth) rate limit above ever runs.
  const limiter = options.credentialLimiter;

  await app.register(healthRoutes, { version: config.version, readinessChecks: options.readinessChecks });
  await app.register(metricsRoutes, { scrape: () => options.metrics.scrape() });
  // Gateway and worker nodes serve health, readiness and metrics (for their probes), no REST.
  if (!config.roles.includes('api')) return app;
  await app.register(docsRoutes, { version: config.version });
  await app.register(appsRoutes, { apps: services.apps, adminToken: config.auth.adminToken, limiter });
  await app.register(authRoutes, { auth: services.auth, maxTtlSeconds: config.auth.tokenMaxTtlSeconds, limiter });
  await app.register(async (serverApi) => {
    serverApi.addHook('onRequest', requireAppCredentials(services.auth, limiter));
    await serverApi.register(usersRoutes, { users: services.users, auth: services.auth });
    await serverApi.register(appBansRoutes, { moderation: services.moderation });
    await serverApi.register(webhooksRoutes, { webhooks: services.webhooks });
  });
  // User routes; those marked `serverApi` take the app's API credentials too (plugins/server-api.ts).
  await app.register(async (userApi) => {
    userApi.addHook('onRequest', requireUserOrApp(services.auth, limiter));
    await userApi.register(verifyRoutes);
    await userApi.register(channelsRoutes, { channels: services.channels, users: services.users });
    await userApi.register(moderationRoutes, { moderation: services.moderation });
    await userApi.register(messagesRoutes, { messages: services.messages, writeBudget: options.writeBudget, users: services.users });
  });
  if (config.demo.enabled) await app.register(demoPageRoutes, { dir: config.demo.dir });
  if (config.demo.sessions) await app.register(demoRoutes, { demo: services.demo, windowMs: config.limits.rateLimitWindowMs });

  return app;
}
