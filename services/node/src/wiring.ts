import type { FastifyInstance } from 'fastify';
import { TokenService } from '@heyyo/auth';
import {
  createChatServices,
  createCredentialLimiter,
  createWorkGate,
  type ChatServices,
  type CredentialLimiter,
  type WorkGate,
} from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import { createRepositories, pingDatabase, type DatabaseHandle, type Repositories } from '@heyyo/database';
import type { Logger } from '@heyyo/logging';
import type { WorkQueue } from '@heyyo/queue';
import {
  createCheckedPublisher,
  createMemoryFailureCounters,
  createRedisFailureCounters,
  createWriteBudget,
  createSlowMode,
  redisKeys,
  type EventPublisher,
  type PresenceStore,
  type WriteBudget,
  observeRedisCommands,
} from '@heyyo/realtime';
import { buildApp, type ReadinessCheck } from '@heyyo/service-api';
import type { Engine } from './engine.ts';
import { createNodeMetrics, type NodeMetrics } from './metrics.ts';

/** Everything the roles of one process share. */
export interface Wiring {
  repos: Repositories;
  services: ChatServices;
  engine: Engine;
  jobs: WorkQueue;
  presence: PresenceStore;
  publisher: EventPublisher;
  /** Each user's budget of messages and reactions, spent by REST and sockets alike (one per process). */
  writeBudget: WriteBudget;
  /** Failed credential checks per IP and api_key (REST and socket handshakes), one per process. */
  credentialLimiter: CredentialLimiter;
  /** This process's bound on REST requests and socket events in progress (HEYYO_MAX_IN_FLIGHT). */
  workGate: WorkGate;
  /** What `GET /metrics` reports; the API and the gateway record into it. */
  metrics: NodeMetrics;
  /** What /ready checks, by dependency name. */
  readinessChecks: Record<string, ReadinessCheck>;
}

/** The domain services over one database and one engine (Redis or memory), as every role of this process shares them. */
export function wireServices(config: Readonly<Config>, database: DatabaseHandle, engine: Engine, logger: Logger): Wiring {
  const { presence, jobs } = engine;
  const publisher = config.checkOutgoingShapes ? createCheckedPublisher(engine.publisher) : engine.publisher;
  const repos = createRepositories(database.db);
  const workGate = createWorkGate(config.limits.maxInFlight);
  const metrics = createNodeMetrics({
    queueStats: () => jobs.stats(),
    enqueueFailures: () => jobs.enqueueFailures(),
    inFlight: workGate.inFlight,
    refused: workGate.refused,
    statementsInFlight: database.statementsInFlight,
    poolMax: database.poolMax,
  });
  database.observeStatements(metrics.observeStatement);
  if (engine.redis) observeRedisCommands(engine.redis, metrics.observeRedisCommand);
  const services = createChatServices({
    repos,
    tokens: new TokenService({
      keys: config.auth.jwtKeys,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.tokenTtlSeconds,
      maxTtlSeconds: config.auth.tokenMaxTtlSeconds,
    }),
    presence,
    publisher,
    jobs,
    invalidations: engine.invalidations,
    // In Redis when the engine has it, so a member's turn holds on every node.
    slowMode: createSlowMode({
      redis: engine.redis,
      keyPrefix: redisKeys(config.redis.keyPrefix).slowMode,
      deadlineMs: config.redis.limiterDeadlineMs,
      log: logger.child({ component: 'slow-mode' }),
    }),
    limits: { ...config.limits, syncMaxBehind: config.realtime.syncMaxBehind },
    observeMessageEmit: metrics.observeMessageEmit,
    historyCache: { maxChars: config.cache.historyMiB * 1024 * 1024, observe: metrics.observeHistoryCache },
    webhooks: config.webhooks,
    logger,
  });
  // In Redis when the engine has it, so every node spends from one budget per user.
  const writeBudget = createWriteBudget({
    points: config.limits.userWritesPerWindow,
    windowSeconds: config.limits.userWriteWindowSeconds,
    redis: engine.redis,
    keyPrefix: redisKeys(config.redis.keyPrefix).userWrites,
    deadlineMs: config.redis.limiterDeadlineMs,
    log: logger.child({ component: 'write-budget' }),
  });
  // Failed credential checks of REST and socket handshakes alike, per IP and api_key.
  const credentialLimiter = createCredentialLimiter({
    counters: engine.redis ? createRedisFailureCounters(engine.redis, config.redis.limiterDeadlineMs) : createMemoryFailureCounters(),
    nameSpace: `${redisKeys(config.redis.keyPrefix).rateLimit}authfail:`,
    perIp: config.auth.failuresPerIp,
    perKey: config.auth.failuresPerKey,
    windowMs: config.auth.failureWindowMs,
    log: logger.child({ component: 'credential-limits' }),
  });
  const readinessChecks: Record<string, ReadinessCheck> = {
    postgres: () => pingDatabase(database.sql),
    ...engine.readinessChecks,
    load: async () => (workGate.saturated() ? 'saturated' : 'ok'),
  };
  return { repos, services, engine, jobs, presence, publisher, writeBudget, credentialLimiter, workGate, metrics, readinessChecks };
}

/** The HTTP app of a node: REST when it has the api role; health, readiness and metrics always. */
export function buildHttpApp(config: Readonly<Config>, logger: Logger, wiring: Wiring): Promise<FastifyInstance> {
  return buildApp({
    config,
    logger: logger.child({ component: 'http' }),
    services: wiring.services,
    readinessChecks: wiring.readinessChecks,
    metrics: wiring.metrics,
    redis: wiring.engine.redis,
    writeBudget: wiring.writeBudget,
    credentialLimiter: wiring.credentialLimiter,
    workGate: wiring.workGate,
  });
}
