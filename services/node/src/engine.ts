import { Redis } from 'ioredis';
import type { ChatServices } from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import type { Logger } from '@heyyo/logging';
import { createMemoryQueue, createProducer, type WorkQueue } from '@heyyo/queue';
import {
  closeRedis,
  createMemoryInvalidationBus,
  createMemoryPresenceStore,
  createRedisInvalidationBus,
  createPresenceStore,
  createRedisEventPublisher,
  createServerEventPublisher,
  redisKeys,
  type EventPublisher,
  type InvalidationBus,
  type PresenceStore,
  type SocketServer,
} from '@heyyo/realtime';
import { createRedisAdapter, type GatewayAdapter } from '@heyyo/service-gateway';
import {
  createCountersProcessor,
  createReactionsProcessor,
  createWebhooksProcessor,
  startWorker,
  type RunningWorker,
} from '@heyyo/service-worker';

/**
 * What carries events, presence and jobs between the roles: Redis (any number of nodes)
 * or the memory engine (one process holding every role). The domain sees only the
 * interfaces; nothing else in Heyyo branches on which engine runs.
 */
export interface Engine {
  kind: 'redis' | 'memory';
  presence: PresenceStore;
  publisher: EventPublisher;
  jobs: WorkQueue;
  /** Cache invalidations between nodes (in this process on the memory engine). */
  invalidations: InvalidationBus;
  /** Shared rate-limit counters; undefined: counted in this process. */
  redis: Redis | undefined;
  readinessChecks: Record<string, () => Promise<void>>;
  /** The gateway's cross-node adapter; undefined: Socket.IO's in-memory one. */
  gatewayAdapter(logger: Logger): GatewayAdapter | undefined;
  /** Tells the engine the gateway's Socket.IO server exists. */
  attachGateway(server: SocketServer): void;
  /** Starts running jobs, through the domain services: the worker role. */
  startWorker(deps: { services: ChatServices; logger: Logger }): RunningWorker;
  /** Closes its connections, after the roles stopped. */
  close(): Promise<void>;
}

/** The cluster engine, on a Redis client the caller made (and whose errors it handles). */
export function createRedisEngine(config: Readonly<Config>, logger: Logger, redis: Redis): Engine {
  const keys = redisKeys(config.redis.keyPrefix);
  const publisher = createRedisEventPublisher(redis, keys, logger.child({ component: 'events' }));
  const jobs = createProducer(redis, { ...config.jobs, prefix: keys.bullPrefix }, logger.child({ component: 'jobs' }));
  const invalidations = createRedisInvalidationBus(redis, keys.invalidations, logger.child({ component: 'invalidations' }));
  return {
    kind: 'redis',
    presence: createPresenceStore(redis, keys, { ttlMs: config.realtime.presenceTtlMs }),
    publisher,
    jobs,
    invalidations,
    redis,
    readinessChecks: { redis: async () => void (await redis.ping()) },
    gatewayAdapter: (gatewayLogger) => createRedisAdapter(redis, keys, gatewayLogger),
    attachGateway: (server) => publisher.attach(server),
    startWorker: ({ services, logger: workerLogger }) => startWorker({ config, logger: workerLogger, services, keys }),
    close: async () => {
      await invalidations.close();
      await closeRedis(redis);
    },
  };
}

/** The single-node engine: everything in this process, no Redis. */
export function createMemoryEngine(config: Readonly<Config>, logger: Logger): Engine {
  const publisher = createServerEventPublisher(logger.child({ component: 'events' }));
  const jobs = createMemoryQueue({ ...config.jobs, webhookConcurrency: config.webhooks.concurrency }, logger.child({ component: 'jobs' }));
  return {
    kind: 'memory',
    presence: createMemoryPresenceStore({ ttlMs: config.realtime.presenceTtlMs }),
    publisher,
    jobs,
    invalidations: createMemoryInvalidationBus(),
    redis: undefined,
    readinessChecks: {},
    gatewayAdapter: () => undefined,
    attachGateway: (server) => publisher.attach(server),
    startWorker: ({ services }) => {
      jobs.start({
        reactions: createReactionsProcessor({ services }),
        counters: createCountersProcessor({ services }),
        webhooks: createWebhooksProcessor({ services }),
      });
      const relay = services.webhookDelivery.startRelay();
      // jobs.close() (in the wiring's shutdown) runs what is queued (webhook deliveries stay in Postgres).
      return { close: () => relay.stop() };
    },
    close: async () => {},
  };
}

/** Whether a Redis server answers at `url` within a second. */
async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export class EngineError extends Error {}

/**
 * REDIS_URL when set; else the local Redis when it answers; else the memory engine,
 * which only a node holding all three roles can run on (HEYYO_MEMORY_ENGINE=1 forces it).
 */
export async function resolveEngine(config: Readonly<Config>, logger: Logger): Promise<Engine> {
  const { redis } = config;
  const memory =
    redis.forceMemoryEngine || (redis.source === 'default' && config.env !== 'production' && !(await redisAnswers(redis.url)));
  if (!memory) return createRedisEngine(config, logger, connectRedis(redis, logger));
  const missing = ['api', 'gateway', 'worker'].filter((role) => !config.roles.includes(role as never));
  if (missing.length > 0) {
    throw new EngineError(
      `HEYYO_ROLES=${config.roles.join(',')} needs Redis (set REDIS_URL): nodes share events, presence and jobs through it. ` +
        'Without Redis only one node holding all three roles (api,gateway,worker) can run.',
    );
  }
  return createMemoryEngine(config, logger);
}

/**
 * The node's shared Redis client (events, presence, job producer, rate limits). A request never
 * waits on Redis longer than its deadline: a command that gets no answer fails after
 * `redis.deadlineMs`, and while the connection is down commands fail at once rather than queue
 * (the client reconnects by itself). The callers turn that into a retryable 503, or go on without
 * Redis where they can (rate limits, fan-out: clients catch up by seq).
 */
export function connectRedis(settings: Readonly<Config['redis']>, logger: Logger): Redis {
  const client = new Redis(settings.url, {
    commandTimeout: settings.deadlineMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // No auto-pipelining: at the rates of real traffic nearly every command is alone in its tick,
    // and ioredis builds a Pipeline for each (copying every defined script onto it) — profiled as
    // more CPU than the command itself on a gateway (docs/benchmarks.md, second pass).
    enableAutoPipelining: false,
  });
  // Without a listener ioredis would print every reconnect attempt as an unhandled error.
  client.on('error', (error) => logger.warn({ err: error, component: 'redis' }, 'redis connection error'));
  return client;
}

/**
 * Resolves when `client` is connected, or after `ms` (without failing: a node whose Redis is
 * down still starts and says so on /ready). Commands fail at once while disconnected, so a node
 * waits for its first connection before it takes requests.
 */
export function redisConnected(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    client.once('ready', done);
  });
}
