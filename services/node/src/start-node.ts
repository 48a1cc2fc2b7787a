import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '@heyyo/config';
import { createDatabaseIfMissing, createDb, runMigrations } from '@heyyo/database';
import type { Logger } from '@heyyo/logging';
import { attachGateway, type Gateway } from '@heyyo/service-gateway';
import { redisConnected, resolveEngine } from './engine.ts';
import { resolvePostgres, type PostgresSource } from './postgres-source.ts';
import { runShutdownSteps, type ShutdownReport } from './shutdown.ts';
import { buildHttpApp, wireServices, type Wiring } from './wiring.ts';

export interface RunningNode {
  /** Base URL of the HTTP listener, e.g. http://127.0.0.1:4000. */
  url: string;
  /** The Socket.IO gateway, when this node has the gateway role. */
  gateway: Gateway | undefined;
  /** What the rest of the process shares (services, queues), for in-process tests. */
  wiring: Wiring;
  /**
   * Stops accepting work, finishes what is in flight, closes every connection: the sockets'
   * drain within `realtime.drainMs`, every other step within `shutdown.closeMs` (a stalled
   * dependency is abandoned, not waited for). Never rejects; the report says what went wrong.
   */
  stop(): Promise<ShutdownReport>;
}

/** How long a starting node waits for its first Redis connection before it listens anyway (and is not ready). */
const REDIS_STARTUP_WAIT_MS = 5000;

/** How long past its own bound the gateway's drain may run before shutdown moves on without it. */
const DRAIN_BACKSTOP_MS = 250;

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

  const engine = await resolveEngine(config, logger);
  let postgres: PostgresSource;
  try {
    postgres = await resolvePostgres(config, log);
  } catch (error) {
    await engine.close();
    throw error;
  }
  try {
    if (config.database.createIfMissing && postgres.kind !== 'embedded' && (await createDatabaseIfMissing(postgres.url))) {
      log.info({ database: describeUrl(postgres.url) }, 'created the database');
    }
    await runMigrations(postgres.url);
  } catch (error) {
    await postgres.stop();
    await engine.close();
    throw error;
  }

  const database = createDb({ url: postgres.url, poolMax: config.database.poolMax, deadlineMs: config.database.deadlineMs });
  const wiring = wireServices(config, database, engine, logger);
  let gateway: Gateway | undefined;
  const app = await buildHttpApp(config, logger, wiring);
  // Attached after Fastify registered its request listener: Socket.IO takes /socket.io/ and hands on the rest.
  if (config.roles.includes('gateway')) {
    const gatewayLogger = logger.child({ component: 'gateway' });
    gateway = attachGateway(app.server, {
      config,
      logger: gatewayLogger,
      adapter: engine.gatewayAdapter(gatewayLogger),
      nodeId,
      observeEvent: wiring.metrics.observeEvent,
      invalidations: engine.invalidations,
      ...wiring,
    });
    wiring.metrics.watchConnections(gateway.connectionCount);
    engine.attachGateway(gateway.io);
  }
  const worker = config.roles.includes('worker')
    ? engine.startWorker({ services: wiring.services, logger: logger.child({ component: 'worker' }) })
    : undefined;
  if (engine.redis) {
    await redisConnected(engine.redis, REDIS_STARTUP_WAIT_MS);
    if (engine.redis.status !== 'ready') log.warn('Redis does not answer yet: /ready answers 503 until it does');
  }
  const address = await app.listen({ port: config.http.port, host: config.http.host });
  const port = (app.server.address() as { port: number }).port;

  log.info(
    {
      nodeId,
      roles: config.roles,
      address,
      database: `${postgres.kind} ${describeUrl(postgres.url)}`,
      engine: engine.kind === 'redis' ? `redis ${describeUrl(config.redis.url)}` : 'memory',
      startupMs: Math.round(performance.now() - startedAt),
    },
    'Heyyo is ready',
  );
  if (engine.kind === 'memory') {
    log.warn(
      'running on the memory engine (no Redis): a single node — a second node would not see these sockets, ' +
        'presence or jobs, and queued jobs live in this process. Set REDIS_URL to run a cluster.',
    );
  }

  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    wiring,
    async stop() {
      const startedAt = performance.now();
      // Sockets first: their presence is retracted while the engine and Postgres are still there.
      // The gateway bounds its own drain (and logs when it runs out); the step's budget is a backstop.
      const drain = gateway ? [{ name: 'drain sockets', run: () => gateway!.drain() }] : [];
      const report = await runShutdownSteps(drain, config.realtime.drainMs + DRAIN_BACKSTOP_MS, log);
      // Then, within the close budget: the gateway's own connections (nothing needs them once its
      // sockets are gone) alongside the chain in which each step needs what the next one closes.
      const { closeMs } = config.shutdown;
      await Promise.all([
        runShutdownSteps(gateway ? [{ name: 'detach gateway', run: () => gateway!.detach() }] : [], closeMs, log, report),
        runShutdownSteps(
          [
            { name: 'close http', run: () => app.close() },
            // Running jobs finish (on the memory engine: every queued job runs) before connections close.
            ...(worker ? [{ name: 'close worker', run: () => worker.close() }] : []),
            { name: 'close job queue', run: () => wiring.jobs.close() },
            { name: 'close database', run: () => database.close() },
            { name: 'stop postgres', run: () => postgres.stop() },
            { name: 'close engine', run: () => engine.close() },
          ],
          closeMs,
          log,
          report,
        ),
      ]);
      log.info({ stopMs: Math.round(performance.now() - startedAt), ...report }, 'stopped');
      return report;
    },
  };
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
