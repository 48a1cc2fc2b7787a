import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvReader } from './env-reader.ts';
import { loadOrCreateDevJwtKey, parseJwtKeys, type JwtKey } from './jwt-keys.ts';

export const ROLES = ['api', 'gateway', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  env: 'development' | 'production' | 'test';
  /** Roles this process runs (`HEYYO_ROLES`). */
  roles: Role[];
  http: {
    /** @defaultValue 4000 */
    port: number;
    /** @defaultValue '0.0.0.0' */
    host: string;
    /** Trust X-Forwarded-* from a load balancer (client IPs for rate limits). @defaultValue false */
    trustProxy: boolean;
    /** Browser origins allowed to call the API; '*' for any (auth is a bearer token, not a cookie). @defaultValue ['*'] */
    corsOrigins: string[];
  };
  database: {
    url: string;
    /**
     * 'env' when DATABASE_URL is set; 'default' otherwise: the local server at the default URL
     * when one answers, else the embedded Postgres.
     */
    source: 'env' | 'default';
    /** HEYYO_EMBEDDED_POSTGRES=1: run the embedded Postgres whatever else there is. @defaultValue false */
    forceEmbedded: boolean;
    /** Connections per process. @defaultValue 10 */
    poolMax: number;
    /** Create the database named in the URL when it does not exist. @defaultValue true outside production */
    createIfMissing: boolean;
    /**
     * The longest one statement (a wait for a free connection included), one transaction or one
     * connection attempt may take; past it the request fails fast with a retryable 503
     * (HEYYO_ERR_UNAVAILABLE) and the statement is cancelled (also server-side, as
     * `statement_timeout`). @defaultValue 3000
     */
    deadlineMs: number;
  };
  redis: {
    /** Event fan-out, presence and shared rate limits. @defaultValue 'redis://127.0.0.1:6379' */
    url: string;
    /** 'env' when REDIS_URL is set; 'default': the local Redis when one answers, else the memory engine. */
    source: 'env' | 'default';
    /** HEYYO_MEMORY_ENGINE=1: run on the single-node memory engine, without Redis. @defaultValue false */
    forceMemoryEngine: boolean;
    /** Prefix of every key Heyyo writes. @defaultValue 'heyyo:' */
    keyPrefix: string;
    /**
     * The longest a Redis command may take (ioredis `commandTimeout`); while Redis is disconnected,
     * commands fail at once instead of queueing. Either way the request fails fast with a retryable
     * 503 (HEYYO_ERR_UNAVAILABLE), or goes on without Redis where it can. @defaultValue 1000
     */
    deadlineMs: number;
    /**
     * The longest a fail-open limiter (write budget, slow mode, failed-credential counters) waits for
     * Redis before letting the call go without it: shorter than `deadlineMs`, so a slow Redis delays
     * sends little. @defaultValue 250
     */
    limiterDeadlineMs: number;
  };
  auth: {
    /** Bearer token for /api/apps. Required in production. */
    adminToken: string | undefined;
    /** First key signs; all verify. */
    jwtKeys: JwtKey[];
    /** True when the key was generated into the data folder for local development. */
    usingDevJwtKey: boolean;
    issuer: string;
    audience: string;
    /** @defaultValue 3600 */
    tokenTtlSeconds: number;
    /** Longest lifetime a token request may ask for (`ttl`). @defaultValue 86400 */
    tokenMaxTtlSeconds: number;
    /**
     * Failed credential checks (wrong api secret or `X-API-Secret`, wrong admin token, invalid user
     * JWT) one client IP may make per window; past it, that IP's credentials are refused with 429
     * without being checked. Correct credentials never count. @defaultValue 50
     */
    failuresPerIp: number;
    /**
     * Failed checks of one api_key (token minting or `X-API-Key`) from any IPs per window; past it,
     * IPs that already failed with that key are refused without a check, while IPs that have not
     * (the tenant's own backends) are still served. @defaultValue 20
     */
    failuresPerKey: number;
    /** The window of both failure budgets; it starts at a counter's first failure. @defaultValue 60000 */
    failureWindowMs: number;
  };
  limits: {
    /** @defaultValue 262144 (256 KiB) */
    bodyBytes: number;
    /** @defaultValue 4000 */
    messageTextLength: number;
    /** @defaultValue 10 */
    attachments: number;
    /** Serialized size of a `metadata` object or one attachment. @defaultValue 8192 */
    metadataBytes: number;
    /** Requests per window per user (or per IP before auth). @defaultValue 600 */
    rateLimitMax: number;
    /**
     * REST requests and socket events one node works on at once; past it new ones are refused at
     * once (503 HEYYO_ERR_OVERLOADED, retry-after) and `/ready` reports `load: saturated`.
     * @defaultValue 256
     */
    maxInFlight: number;
    /** @defaultValue 60000 */
    rateLimitWindowMs: number;
    /**
     * Writes (messages sent, reactions added or removed) one user may make per window, by REST and
     * every socket together, on every node (counted in Redis; in the process on the memory engine).
     * @defaultValue 100
     */
    userWritesPerWindow: number;
    /** The fixed window of `userWritesPerWindow`, in whole seconds. @defaultValue 10 */
    userWriteWindowSeconds: number;
  };
  cache: {
    /**
     * Rendered history pages an API node keeps in memory, in MiB of JSON (0: none). A page is
     * served from it while its channel's history version is unchanged (read with the membership
     * check), so it is never stale. @defaultValue 32
     */
    historyMiB: number;
  };
  realtime: {
    /** A connection not refreshed for this long counts as gone (a gateway died). @defaultValue 30000 */
    presenceTtlMs: number;
    /** How often a gateway refreshes its connections' presence; below the TTL. @defaultValue 10000 */
    heartbeatMs: number;
    /** How often a gateway looks for users whose connections all expired. @defaultValue 5000 */
    sweepMs: number;
    /** A catch-up further behind than this many messages is told to reload. @defaultValue 1000 */
    syncMaxBehind: number;
    /** Sustained client events per second per connection. @defaultValue 20 */
    socketEventsPerSecond: number;
    /** Client events a connection may send in a burst. @defaultValue 60 */
    socketEventBurst: number;
    /** Live sockets one user may hold across every gateway; one more is refused at the handshake. @defaultValue 20 */
    maxConnectionsPerUser: number;
    /** Live sockets one app's users may hold together across every gateway. @defaultValue 10000 */
    maxConnectionsPerApp: number;
    /**
     * On SIGTERM, the longest a gateway waits for its sockets' presence cleanup before the rest
     * closes; a drain that completes sooner ends sooner. @defaultValue 10000
     */
    drainMs: number;
    /** A socket whose token expired is sent `auth.expired`, then disconnected unless it sends `auth.refresh` within this. @defaultValue 30000 */
    tokenRefreshGraceMs: number;
  };
  shutdown: {
    /**
     * On SIGTERM, after the drain: the budget shared by the remaining steps (HTTP requests in
     * flight, running jobs, the Postgres and Redis connections). A step still running when it
     * is spent is abandoned and logged. @defaultValue 10000
     */
    closeMs: number;
    /**
     * The longest an orderly shutdown takes: `realtime.drainMs` + `closeMs`. The process exits 1
     * if it is still running a second after it; the Helm chart's `terminationGracePeriodSeconds`
     * is computed from the same two settings.
     */
    graceMs: number;
  };
  jobs: {
    /** Counter changes within this window become one recount. @defaultValue 100 */
    coalesceMs: number;
    /** Jobs one worker process runs at once, per queue. @defaultValue 8 */
    concurrency: number;
    /** Tries of a failing job before it is kept as failed. @defaultValue 8 */
    attempts: number;
    /** First retry delay; doubles each try. @defaultValue 500 */
    backoffMs: number;
    /** A job whose worker stopped renewing its lock this long ago is retried (a killed worker). @defaultValue 30000 */
    lockMs: number;
    /** Failed jobs kept for inspection. @defaultValue 10000 */
    keepFailed: number;
  };
  webhooks: {
    /**
     * Allow webhook URLs whose host is (or resolves to) a loopback, private, link-local, unique-local
     * or multicast address (`HEYYO_WEBHOOK_ALLOW_PRIVATE`). Checked when an endpoint is saved and
     * again at every delivery (DNS rebinding). @defaultValue false in production, else true
     */
    allowPrivate: boolean;
    /** The longest one delivery request may take, connection included. @defaultValue 10000 */
    timeoutMs: number;
    /** Deliveries one worker process sends at once. @defaultValue 16 */
    concurrency: number;
    /** A delivery not answered 2xx within this long after its event is kept as failed. @defaultValue 86400000 (24 h) */
    retryWindowMs: number;
    /** The wait after a delivery's first failed try; it doubles with each try. @defaultValue 10000 */
    backoffMs: number;
    /** The longest wait between two tries. @defaultValue 3600000 (1 h) */
    backoffMaxMs: number;
    /** How often a worker looks for deliveries that are due. @defaultValue 500 */
    pollMs: number;
    /** Endpoints one app may have. @defaultValue 10 */
    maxEndpointsPerApp: number;
  };
  demo: {
    /**
     * Serve the demo chat page (`HEYYO_DEMO`) at `/` on nodes with the api role.
     * @defaultValue true when NODE_ENV=development, else false
     */
    enabled: boolean;
    /** The built page: index.html and assets/ (`HEYYO_DEMO_DIR`). @defaultValue the absolute path of libs/react/demo/dist */
    dir: string;
    /**
     * The demo app and `POST /demo/session`, which mints tokens for anyone who asks: on only when
     * the page is and NODE_ENV is not production (a production node never opens them).
     */
    sessions: boolean;
  };
  log: { level: LogLevel };
  /**
   * Check every REST response, socket ack and server event against its contract schema
   * before sending it, and fail loudly on a field the contract lacks (Fastify's serializer
   * would drop it silently). A test-time guard: it costs CPU on every message.
   * @defaultValue true when NODE_ENV=test, else false
   */
  checkOutgoingShapes: boolean;
  /** Local state (dev JWT key, embedded data). @defaultValue './.heyyo' */
  dataDir: string;
  version: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The product version, from the root package.json (what /health reports). */
const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
).version;

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/heyyo';

/** Where Vite builds the demo page (libs/react/demo), found from this file rather than the working directory. */
const DEFAULT_DEMO_DIR = fileURLToPath(new URL('../../react/demo/dist', import.meta.url));

/**
 * Builds the one typed, frozen Config from environment variables.
 * The only place in Heyyo that reads `process.env`.
 * @throws ConfigError naming every bad or missing variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf('NODE_ENV', 'development', ['development', 'production', 'test'] as const);
  const production = nodeEnv === 'production';
  const dataDir = resolve(read.string('HEYYO_DATA_DIR', '.heyyo'));

  const adminToken = read.optionalString('HEYYO_ADMIN_TOKEN', 16);
  if (production && !adminToken) {
    read.problems.push('HEYYO_ADMIN_TOKEN is required when NODE_ENV=production (it guards app creation)');
  }

  const jwtKeysValue = read.raw('HEYYO_JWT_KEYS');
  if (production && !jwtKeysValue) {
    read.problems.push('HEYYO_JWT_KEYS is required when NODE_ENV=production (e.g. "k1:<32+ random chars>")');
  }
  const jwtKeys = jwtKeysValue ? parseJwtKeys(jwtKeysValue, read.problems) : [];
  const demoEnabled = read.bool('HEYYO_DEMO', nodeEnv === 'development');

  const config: Config = {
    env: nodeEnv,
    roles: read.listOf('HEYYO_ROLES', ROLES, ROLES),
    http: {
      port: read.int('PORT', 4000, 0, 65535),
      host: read.string('HOST', '0.0.0.0'),
      trustProxy: read.bool('HEYYO_TRUST_PROXY', false),
      corsOrigins: read.string('HEYYO_CORS_ORIGINS', '*').split(',').map((origin) => origin.trim()).filter(Boolean),
    },
    database: {
      url: read.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres:', 'postgresql:']) ?? DEFAULT_DATABASE_URL,
      source: read.raw('DATABASE_URL') ? 'env' : 'default',
      forceEmbedded: read.bool('HEYYO_EMBEDDED_POSTGRES', false),
      poolMax: read.int('DATABASE_POOL_MAX', 10, 1, 500),
      createIfMissing: read.bool('HEYYO_DATABASE_CREATE', !production),
      deadlineMs: read.int('HEYYO_DB_DEADLINE_MS', 3000, 100, 600_000),
    },
    redis: {
      url: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']) ?? 'redis://127.0.0.1:6379',
      source: read.raw('REDIS_URL') ? 'env' : 'default',
      forceMemoryEngine: read.bool('HEYYO_MEMORY_ENGINE', false),
      keyPrefix: read.string('HEYYO_REDIS_PREFIX', 'heyyo:', /^[A-Za-z0-9:_.-]{1,64}$/),
      deadlineMs: read.int('HEYYO_REDIS_DEADLINE_MS', 1000, 50, 60_000),
      limiterDeadlineMs: read.int('HEYYO_LIMITER_DEADLINE_MS', 250, 10, 60_000),
    },
    auth: {
      adminToken,
      jwtKeys,
      usingDevJwtKey: false,
      issuer: read.string('HEYYO_JWT_ISSUER', 'heyyo'),
      audience: read.string('HEYYO_JWT_AUDIENCE', 'heyyo'),
      tokenTtlSeconds: read.int('HEYYO_TOKEN_TTL_SECONDS', 3600, 60, 30 * 24 * 3600),
      tokenMaxTtlSeconds: read.int('HEYYO_TOKEN_MAX_TTL_SECONDS', 86_400, 60, 30 * 24 * 3600),
      failuresPerIp: read.int('HEYYO_AUTH_FAILURES_PER_IP', 50, 1, 10_000_000),
      failuresPerKey: read.int('HEYYO_AUTH_FAILURES_PER_KEY', 20, 1, 10_000_000),
      failureWindowMs: read.int('HEYYO_AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 3_600_000),
    },
    limits: {
      bodyBytes: read.int('HEYYO_MAX_BODY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
      messageTextLength: read.int('HEYYO_MAX_TEXT_LENGTH', 4000, 1, 100_000),
      attachments: read.int('HEYYO_MAX_ATTACHMENTS', 10, 0, 100),
      metadataBytes: read.int('HEYYO_MAX_METADATA_BYTES', 8192, 2, 1024 * 1024),
      rateLimitMax: read.int('HEYYO_RATE_LIMIT_MAX', 600, 1, 10_000_000),
      maxInFlight: read.int('HEYYO_MAX_IN_FLIGHT', 256, 1, 1_000_000),
      rateLimitWindowMs: read.int('HEYYO_RATE_LIMIT_WINDOW_MS', 60_000, 1000, 3_600_000),
      userWritesPerWindow: read.int('HEYYO_USER_WRITES_PER_WINDOW', 100, 1, 10_000_000),
      userWriteWindowSeconds: read.int('HEYYO_USER_WRITE_WINDOW_SECONDS', 10, 1, 3600),
    },
    cache: {
      historyMiB: read.int('HEYYO_HISTORY_CACHE_MIB', 32, 0, 64 * 1024),
    },
    realtime: {
      presenceTtlMs: read.int('HEYYO_PRESENCE_TTL_MS', 30_000, 1000, 600_000),
      heartbeatMs: read.int('HEYYO_PRESENCE_HEARTBEAT_MS', 10_000, 200, 300_000),
      sweepMs: read.int('HEYYO_PRESENCE_SWEEP_MS', 5000, 100, 300_000),
      syncMaxBehind: read.int('HEYYO_SYNC_MAX_BEHIND', 1000, 1, 1_000_000),
      socketEventsPerSecond: read.int('HEYYO_WS_EVENTS_PER_SECOND', 20, 1, 100_000),
      socketEventBurst: read.int('HEYYO_WS_EVENT_BURST', 60, 1, 1_000_000),
      maxConnectionsPerUser: read.int('HEYYO_MAX_CONNECTIONS_PER_USER', 20, 1, 1_000_000),
      maxConnectionsPerApp: read.int('HEYYO_MAX_CONNECTIONS_PER_APP', 10_000, 1, 100_000_000),
      drainMs: read.int('HEYYO_SHUTDOWN_DRAIN_MS', 10_000, 0, 120_000),
      tokenRefreshGraceMs: read.int('HEYYO_TOKEN_REFRESH_GRACE_MS', 30_000, 0, 600_000),
    },
    shutdown: {
      closeMs: read.int('HEYYO_SHUTDOWN_CLOSE_MS', 10_000, 1000, 120_000),
      graceMs: 0,
    },
    jobs: {
      coalesceMs: read.int('HEYYO_COUNTER_COALESCE_MS', 100, 0, 60_000),
      concurrency: read.int('HEYYO_WORKER_CONCURRENCY', 8, 1, 1000),
      attempts: read.int('HEYYO_JOB_ATTEMPTS', 8, 1, 100),
      backoffMs: read.int('HEYYO_JOB_BACKOFF_MS', 500, 10, 600_000),
      lockMs: read.int('HEYYO_WORKER_LOCK_MS', 30_000, 1000, 600_000),
      keepFailed: read.int('HEYYO_KEEP_FAILED_JOBS', 10_000, 0, 10_000_000),
    },
    webhooks: {
      allowPrivate: read.bool('HEYYO_WEBHOOK_ALLOW_PRIVATE', !production),
      timeoutMs: read.int('HEYYO_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      concurrency: read.int('HEYYO_WEBHOOK_CONCURRENCY', 16, 1, 1000),
      retryWindowMs: read.int('HEYYO_WEBHOOK_RETRY_WINDOW_MS', 24 * 3600 * 1000, 1000, 30 * 24 * 3600 * 1000),
      backoffMs: read.int('HEYYO_WEBHOOK_BACKOFF_MS', 10_000, 10, 3_600_000),
      backoffMaxMs: read.int('HEYYO_WEBHOOK_BACKOFF_MAX_MS', 3_600_000, 10, 24 * 3600 * 1000),
      pollMs: read.int('HEYYO_WEBHOOK_POLL_MS', 500, 10, 3_600_000),
      maxEndpointsPerApp: read.int('HEYYO_WEBHOOK_MAX_ENDPOINTS', 10, 1, 1000),
    },
    demo: {
      enabled: demoEnabled,
      dir: resolve(read.string('HEYYO_DEMO_DIR', DEFAULT_DEMO_DIR)),
      sessions: demoEnabled && !production,
    },
    log: {
      level: read.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    },
    checkOutgoingShapes: read.bool('HEYYO_CHECK_OUTGOING_SHAPES', nodeEnv === 'test'),
    dataDir,
    version: PACKAGE_VERSION,
  };

  config.shutdown.graceMs = config.realtime.drainMs + config.shutdown.closeMs;
  if (config.realtime.heartbeatMs >= config.realtime.presenceTtlMs) {
    read.problems.push('HEYYO_PRESENCE_HEARTBEAT_MS must be below HEYYO_PRESENCE_TTL_MS');
  }
  if (config.auth.tokenTtlSeconds > config.auth.tokenMaxTtlSeconds) {
    read.problems.push('HEYYO_TOKEN_TTL_SECONDS must not exceed HEYYO_TOKEN_MAX_TTL_SECONDS');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);

  if (config.auth.jwtKeys.length === 0) {
    config.auth.jwtKeys = [loadOrCreateDevJwtKey(dataDir)];
    config.auth.usingDevJwtKey = true;
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
