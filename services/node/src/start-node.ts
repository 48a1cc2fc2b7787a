import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Config } from '@heyyo/config';
import { createDatabaseIfMissing, createDb, runMigrations } from '@heyyo/database';
import type { Logger } from '@heyyo/logging';
import { closeRedis } from '@heyyo/realtime';
import { attachGateway, type Gateway } from '@heyyo/service-gateway';
import { startWorker } from '@heyyo/service-worker';
import { resolvePostgres } from './postgres-source.ts';
import { buildHttpApp, wireServices, type Wiring } from './wiring.ts';

export interface RunningNode {
  /** Base URL of the HTTP listener, e.g. http://127.0.0.1:4000. */
  url: string;
  /** The Socket.IO gateway, when this node has the gateway role. */
  gateway: Gateway | undefined;
  /** What the rest of the process shares (services, queues), for in-process tests. */
  wiring: Wiring;
  /** Stops accepting work, finishes what is in flight, closes every connection. */
  stop(): Promise<void>;
}

/** Where a URL points, without its credentials: safe to log. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.hostname}:${parsed.port || 'default'}${parsed.pathname}`;
}

/** Starts the roles named in config in this process. */
export async function startNode(config: Readonly<Config>, logger: Logger): Promise<RunningNode> {
  const startedAt = performance.now();
  const log = logger.child({ component: 'node' });
  const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  warnAboutDevelopmentDefaults(config, log);

  const postgres = await resolvePostgres(config, log);
  try {
    if (config.database.createIfMissing && postgres.kind !== 'embedded' && (await createDatabaseIfMissing(postgres.url))) {
      log.info({ database: describeUrl(postgres.url) }, 'created the database');
    }
    await runMigrations(postgres.url);
  } catch (error) {
    await postgres.stop();
    throw error;
  }

  const database = createDb({ url: postgres.url, poolMax: config.database.poolMax });
  const redis = connectRedis(config.redis.url, logger);
  const wiring = wireServices(config, logger, database, redis);
  let gateway: Gateway | undefined;
  const app = await buildHttpApp(config, logger, wiring, redis, { connections: () => gateway?.connectionCount() ?? 0 });
  // Attached after Fastify registered its request listener: Socket.IO takes /socket.io/ and hands on the rest.
  if (config.roles.includes('gateway')) {
    gateway = attachGateway(app.server, { config, logger: logger.child({ component: 'gateway' }), redis, nodeId, ...wiring });
  }
  const worker = config.roles.includes('worker')
    ? startWorker({ config, logger: logger.child({ component: 'worker' }), ...wiring })
    : undefined;
  const address = await app.listen({ port: config.http.port, host: config.http.host });
  const port = (app.server.address() as { port: number }).port;

  log.info(
    {
      nodeId,
      roles: config.roles,
      address,
      database: `${postgres.kind} ${describeUrl(postgres.url)}`,
      redis: describeUrl(config.redis.url),
      startupMs: Math.round(performance.now() - startedAt),
    },
    'Heyyo is ready',
  );

  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    wiring,
    async stop() {
      // Sockets first: their presence is retracted while Redis and Postgres are still there.
      await gateway?.close();
      await app.close();
      // Running jobs finish before their connections close.
      await worker?.close();
      await wiring.jobs.close();
      await database.close();
      await postgres.stop();
      await closeRedis(redis);
    },
  };
}

function connectRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 3, enableAutoPipelining: true });
  // Without a listener ioredis would print every reconnect attempt as an unhandled error.
  redis.on('error', (error) => logger.warn({ err: error, component: 'redis' }, 'redis connection error'));
  return redis;
}

function warnAboutDevelopmentDefaults(config: Readonly<Config>, log: Logger): void {
  if (!config.auth.adminToken) {
    log.warn(
      'HEYYO_ADMIN_TOKEN is not set: POST/GET /api/apps are OPEN to anyone who can reach this server. ' +
        'Fine on your laptop; set it anywhere else (NODE_ENV=production refuses to start without it).',
    );
  }
  if (config.auth.usingDevJwtKey) {
    log.warn(
      { keyFile: `${config.dataDir}/dev-jwt-key` },
      'HEYYO_JWT_KEYS is not set: signing user tokens with a generated development key',
    );
  }
}
