import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { TokenService } from '@heyyo/auth';
import { createChatServices, type ChatServices, type EventPublisher } from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import { createRepositories, pingDatabase, type DatabaseHandle, type Repositories } from '@heyyo/database';
import type { Logger } from '@heyyo/logging';
import { createProducer, type Producer } from '@heyyo/queue';
import {
  createPresenceStore,
  createRedisEventPublisher,
  redisKeys,
  type PresenceStore,
  type RedisKeys,
} from '@heyyo/realtime';
import { buildApp } from '@heyyo/service-api';
import { collectMetrics, type MetricsSources } from './metrics.ts';

/** Everything the roles of one process share. */
export interface Wiring {
  repos: Repositories;
  services: ChatServices;
  jobs: Producer;
  presence: PresenceStore;
  publisher: EventPublisher;
  keys: RedisKeys;
  /** What /ready checks, by dependency name. */
  readinessChecks: Record<string, () => Promise<void>>;
}

/** The domain services over one database and one Redis, as every role of this process shares them. */
export function wireServices(config: Readonly<Config>, logger: Logger, database: DatabaseHandle, redis: Redis): Wiring {
  const keys = redisKeys(config.redis.keyPrefix);
  const presence = createPresenceStore(redis, keys, { ttlMs: config.realtime.presenceTtlMs });
  const publisher = createRedisEventPublisher(redis, keys, logger.child({ component: 'events' }));
  const jobs = createProducer(
    redis,
    { ...config.jobs, prefix: keys.bullPrefix, coalesceMs: config.jobs.coalesceMs },
    logger.child({ component: 'jobs' }),
  );
  const repos = createRepositories(database.db);
  const services = createChatServices({
    repos,
    tokens: new TokenService({
      keys: config.auth.jwtKeys,
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ttlSeconds: config.auth.tokenTtlSeconds,
    }),
    presence,
    publisher,
    jobs,
    limits: { ...config.limits, syncMaxBehind: config.realtime.syncMaxBehind },
  });
  const readinessChecks = {
    postgres: () => pingDatabase(database.sql),
    redis: async () => void (await redis.ping()),
  };
  return { repos, services, jobs, presence, publisher, keys, readinessChecks };
}

/** The HTTP app of a node: REST when it has the api role; health, readiness and metrics always. */
export function buildHttpApp(
  config: Readonly<Config>,
  logger: Logger,
  wiring: Wiring,
  redis: Redis,
  metrics: Omit<MetricsSources, 'queues'> = {},
): Promise<FastifyInstance> {
  return buildApp({
    config,
    logger: logger.child({ component: 'http' }),
    services: wiring.services,
    readinessChecks: wiring.readinessChecks,
    collectMetrics: () => collectMetrics({ queues: wiring.jobs.queues, ...metrics }),
    redis,
  });
}
