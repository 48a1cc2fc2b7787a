/**
 * A real API over a real database per test file: `useApiContext()` registers
 * beforeAll/afterAll hooks that clone the migrated template into a fresh
 * database, build the Fastify app on it (requests go through `inject`), and
 * drop everything afterwards.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '@heyyo/config';
import { createDb, type DatabaseHandle } from '@heyyo/database';
import { createLogger } from '@heyyo/logging';
import {
  buildHttpApp,
  connectRedis,
  createMemoryEngine,
  createRedisEngine,
  redisConnected,
  wireServices,
  type Engine,
  type Wiring,
} from '@heyyo/service-node';
import type { RunningWorker } from '@heyyo/service-worker';
import { createFactories, type Factories, type Requester } from './factories.ts';
import { fileResources } from './resources.ts';
import { waitForIdleQueues } from './settle.ts';

export { TEST_JWT_SECRET } from './resources.ts';
export type { ApiResponse, RequestOptions, TestApp, TestUser } from './factories.ts';

export interface ApiContext extends Factories {
  readonly app: FastifyInstance;
  readonly config: Readonly<Config>;
  /** Direct SQL on this file's database, for assertions on stored rows. */
  readonly sql: DatabaseHandle['sql'];
  request: Requester;
  /** The node's repositories (e.g. `counters.reconcile(false)` to measure drift). */
  readonly repos: Wiring['repos'];
  /** Waits until the worker has run every queued job (reactions applied and recounted). */
  settled(): Promise<void>;
}

export interface ApiContextOptions {
  /** Extra environment for loadConfig (e.g. HEYYO_ADMIN_TOKEN). */
  env?: Record<string, string>;
}

export function useApiContext(options: ApiContextOptions = {}): ApiContext {
  const resources = fileResources('api');
  let state:
    | {
        app: FastifyInstance;
        config: Readonly<Config>;
        db: DatabaseHandle;
        redis: Redis | undefined;
        engine: Engine;
        wiring: Wiring;
        worker: RunningWorker;
      }
    | undefined;

  beforeAll(async () => {
    await resources.createDatabase();
    const config = loadConfig({ ...resources.env, HEYYO_ROLES: 'api,worker', ...options.env });
    const logger = createLogger({ level: config.log.level, name: 'test' });
    const db = createDb({ url: config.database.url, poolMax: 5, deadlineMs: config.database.deadlineMs });
    let redis: Redis | undefined;
    if (!config.redis.forceMemoryEngine) {
      // The node's own client (deadlines, no offline queue); a context may point at an unreachable Redis on purpose.
      redis = connectRedis(config.redis, logger);
      await redisConnected(redis, 2000);
    }
    const engine = redis ? createRedisEngine(config, logger, redis) : createMemoryEngine(config, logger);
    const wiring = wireServices(config, db, engine, logger);
    const app = await buildHttpApp(config, logger, wiring);
    await app.ready();
    const worker = engine.startWorker({ services: wiring.services, logger });
    state = { app, config, db, redis, engine, wiring, worker };
  });

  afterAll(async () => {
    try {
      if (state) {
        await state.app.close();
        await state.worker.close();
        await state.wiring.jobs.close();
        await state.db.close();
      }
      await resources.release(state?.redis);
    } finally {
      // Its Redis client too, if it has one.
      await state?.engine.close();
    }
  });

  const current = () => {
    if (!state) throw new Error('the API context is used before beforeAll ran');
    return state;
  };

  const request: Requester = async (method, url, { token, body, headers = {}, remoteAddress } = {}) => {
    const allHeaders: Record<string, string> = { ...headers };
    if (token !== undefined) allHeaders.authorization = `Bearer ${token}`;
    const response = await current().app.inject({
      method: method as 'GET',
      url,
      headers: allHeaders,
      ...(remoteAddress === undefined ? {} : { remoteAddress }),
      ...(body === undefined ? {} : typeof body === 'string' ? { payload: body } : { payload: body as object }),
    });
    return {
      status: response.statusCode,
      body: response.body ? JSON.parse(response.body) : undefined,
      headers: response.headers,
    };
  };

  return {
    get app() {
      return current().app;
    },
    get config() {
      return current().config;
    },
    get sql() {
      return current().db.sql;
    },
    get repos() {
      return current().wiring.repos;
    },
    request,
    settled: () => waitForIdleQueues(() => current().wiring.jobs.stats()),
    ...createFactories(request, () => current().config.auth.adminToken),
  };
}
