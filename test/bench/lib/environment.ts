/** The bench's own database, Redis prefix and Heyyo cluster, all removed afterwards. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { createDatabaseIfMissing, runMigrations } from '@heyyo/database';
import { databaseUrl } from '../../support/services.ts';
import { deleteKeys } from '../../support/resources.ts';
import { onCleanup } from './cleanup.ts';
import { startPolled, type ScriptProcess } from './processes.ts';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Guards app creation on the bench's nodes, which run as in production. */
export const BENCH_ADMIN_TOKEN = randomBytes(24).toString('hex');

/** One id per bench invocation: every database and key prefix it creates starts with it. */
export const RUN_ID = `heyyo_bench_${randomBytes(4).toString('hex')}`;

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database, dropped by cleanup. */
export async function createBenchDatabase(label: string): Promise<BenchDatabase> {
  const name = `${RUN_ID}_${label}`;
  const url = databaseUrl(POSTGRES_URL, name);
  const drop = onCleanup(`database ${name}`, async () => {
    const admin = postgres(POSTGRES_URL, { max: 1, onnotice: () => {} });
    try {
      await admin`drop database if exists ${admin(name)} with (force)`;
    } finally {
      await admin.end();
    }
  });
  await createDatabaseIfMissing(url);
  await runMigrations(url);
  return { name, url, drop };
}

/** A Redis key prefix of this run; its keys are deleted by cleanup. */
export function redisPrefix(label: string): { prefix: string; release(): Promise<void> } {
  const prefix = `${RUN_ID}:${label}:`;
  const release = onCleanup(`redis keys ${prefix}*`, async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    try {
      await deleteKeys(redis, prefix);
    } finally {
      redis.disconnect();
    }
  });
  return { prefix, release };
}

/** Rate limits and connection caps raised so the bench measures the system, not its throttles. */
export const RATE_LIMITS_RAISED = {
  HEYYO_RATE_LIMIT_MAX: '10000000',
  HEYYO_WS_EVENTS_PER_SECOND: '100000',
  HEYYO_WS_EVENT_BURST: '1000000',
  HEYYO_USER_WRITES_PER_WINDOW: '10000000',
  HEYYO_MAX_CONNECTIONS_PER_USER: '1000000',
  HEYYO_MAX_CONNECTIONS_PER_APP: '100000000',
};

/** …and the overload bound lifted too: the workloads measure capacity; the bound gets its own row (issue 13). */
export const UNTHROTTLED = { ...RATE_LIMITS_RAISED, HEYYO_MAX_IN_FLIGHT: '1000000' };

export type Role = 'api' | 'gateway' | 'worker';

export interface BenchCluster {
  api: ScriptProcess[];
  gateways: ScriptProcess[];
  workers: ScriptProcess[];
  all(): ScriptProcess[];
}

export interface HeyyoCluster {
  cluster: BenchCluster;
  /** Starts one more node of a role on the same database and prefix. */
  add(role: Role, nodeArgs?: string[]): Promise<ScriptProcess>;
  apiUrl: string;
  gatewayUrls: string[];
  database: BenchDatabase;
  keyPrefix: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface HeyyoPlan {
  label: string;
  apiNodes?: number;
  gatewayNodes?: number;
  workerNodes?: number;
  env?: Record<string, string>;
  /** Node flags for every node, e.g. `--cpu-prof --cpu-prof-dir=…` to profile a run. */
  nodeArgs?: string[];
  /** Keep the nodes' overload bound (HEYYO_MAX_IN_FLIGHT) at its default; only rate limits are raised. @defaultValue false */
  overloadBound?: boolean;
}

/** Fresh database + fresh prefix + startCluster; everything undone by stop() or cleanup. */
export async function startHeyyo(plan: HeyyoPlan): Promise<HeyyoCluster> {
  const database = await createBenchDatabase(plan.label);
  const keys = redisPrefix(plan.label);
  const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-bench-'));
  const removeDataDir = onCleanup(`data dir ${dataDir}`, () => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    // As operators run it: NODE_ENV=test would also check every outgoing shape against its schema.
    NODE_ENV: 'production',
    HEYYO_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    DATABASE_URL: database.url,
    REDIS_URL,
    HEYYO_REDIS_PREFIX: keys.prefix,
    HEYYO_JWT_KEYS: `bench:${randomBytes(32).toString('hex')}`,
    HEYYO_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...(plan.overloadBound ? RATE_LIMITS_RAISED : UNTHROTTLED),
    ...plan.env,
  };
  // Not startCluster: at LOG_LEVEL=warn a node never prints its (info) ready line, so
  // these nodes are started on known ports and polled on /ready instead.
  const counts: Record<Role, number> = { api: 0, gateway: 0, worker: 0 };
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles every node of a run.
  const start = (role: Role, nodeArgs: string[] = plan.nodeArgs ?? process.env.BENCH_NODE_ARGS?.split(' ') ?? []) =>
    startPolled(`${plan.label}-${role}-${++counts[role]}`, 'services/node/src/main.ts', { ...env, HEYYO_ROLES: role }, { nodeArgs });
  const many = (role: Role, count: number) => Promise.all(Array.from({ length: count }, () => start(role)));
  const [api, gateways, workers] = await Promise.all([
    many('api', plan.apiNodes ?? 1),
    many('gateway', plan.gatewayNodes ?? 2),
    many('worker', plan.workerNodes ?? 1),
  ]);
  const cluster: BenchCluster = { api, gateways, workers, all: () => [...cluster.api, ...cluster.gateways, ...cluster.workers] };
  const stopCluster = async () => void (await Promise.all(cluster.all().map((node) => node.stop('SIGTERM'))));
  return {
    cluster,
    async add(role, nodeArgs) {
      const node = await start(role, nodeArgs);
      ({ api: cluster.api, gateway: cluster.gateways, worker: cluster.workers })[role].push(node);
      return node;
    },
    apiUrl: cluster.api[0]!.url,
    gatewayUrls: cluster.gateways.map((node) => node.url),
    database,
    keyPrefix: keys.prefix,
    env,
    async stop() {
      await stopCluster();
      await keys.release();
      await database.drop();
      await removeDataDir();
    },
  };
}
