/**
 * Finds the Postgres and Redis the tests run against: TEST_DATABASE_URL /
 * TEST_REDIS_URL when set, else the local services when they answer, else
 * Testcontainers when a Docker engine is available.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';

export interface TestServices {
  /** A server URL whose user may CREATE DATABASE (its path names the maintenance db). */
  postgresUrl: string;
  /** Empty: no Redis (the memory project). */
  redisUrl: string;
  stop(): Promise<void>;
}

const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS = 'redis://127.0.0.1:6379';

function answers(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

/** What resolveTestServices could use: each service given or answering locally, and a Docker engine. */
export interface ServicesProbe {
  postgres: boolean;
  redis: boolean;
  docker: boolean;
}

export async function probeTestServices(env = process.env): Promise<ServicesProbe> {
  const [postgres, redis] = await Promise.all([
    Boolean(env.TEST_DATABASE_URL) || answers(LOCAL_POSTGRES, 5432),
    Boolean(env.TEST_REDIS_URL) || answers(LOCAL_REDIS, 6379),
  ]);
  return { postgres, redis, docker: existsSync('/var/run/docker.sock') || Boolean(env.DOCKER_HOST) };
}

/**
 * Whether resolveTestServices can find both services: given, answering locally, or
 * (a Docker engine being there) started by Testcontainers.
 */
const servicesUsable = (probe: ServicesProbe) => (probe.postgres && probe.redis) || probe.docker;

/** Whether `CI` says this is a CI run: set to anything but '', '0', 'false', 'no' or 'off'. */
export function isCi(env: Record<string, string | undefined> = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value);
}

/** The projects that need a Postgres and a Redis. */
export const SERVICE_PROJECTS = ['integration', 'cluster'] as const;

export type ServiceProjectsDecision =
  | { run: 'all' }
  /** A developer machine without the services: run the rest, and say so. */
  | { run: 'without-services'; notice: string }
  /** CI without the services: the run must fail rather than silently run less. */
  | { run: 'fail'; error: string };

/** Whether the 'integration' and 'cluster' projects run, given the environment and what the probe found. */
export function decideServiceProjects(env: Record<string, string | undefined>, probe: ServicesProbe): ServiceProjectsDecision {
  if (servicesUsable(probe)) return { run: 'all' };
  const missing = [
    ...(probe.postgres ? [] : ['Postgres (TEST_DATABASE_URL unset, nothing answers on 127.0.0.1:5432)']),
    ...(probe.redis ? [] : ['Redis (TEST_REDIS_URL unset, nothing answers on 127.0.0.1:6379)']),
  ];
  const projects = SERVICE_PROJECTS.map((name) => `'${name}'`).join(' and ');
  if (isCi(env)) {
    return {
      run: 'fail',
      error:
        `npm test: CI=${env.CI} but the ${projects} projects cannot run: no ${missing.join(' and no ')}, ` +
        'and no Docker engine to start them (/var/run/docker.sock, DOCKER_HOST). CI must run every project: ' +
        'start the missing services or point TEST_DATABASE_URL / TEST_REDIS_URL at them.',
    };
  }
  return {
    run: 'without-services',
    notice:
      `npm test: no ${missing.join(' and no ')}, and no Docker engine — running the unit tests and the ` +
      `integration suites on embedded Postgres + the memory engine only; the ${projects} projects need a ` +
      'Postgres and a Redis (see README).',
  };
}

export async function resolveTestServices(env = process.env): Promise<TestServices> {
  const stops: (() => Promise<unknown>)[] = [];
  let postgresUrl = env.TEST_DATABASE_URL;
  if (!postgresUrl) {
    if (await answers(LOCAL_POSTGRES, 5432)) {
      postgresUrl = LOCAL_POSTGRES;
    } else {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      stops.push(() => container.stop());
      postgresUrl = container.getConnectionUri();
    }
  }
  let redisUrl = env.TEST_REDIS_URL;
  if (!redisUrl) {
    if (await answers(LOCAL_REDIS, 6379)) {
      redisUrl = LOCAL_REDIS;
    } else {
      const { RedisContainer } = await import('@testcontainers/redis');
      const container = await new RedisContainer('redis:7-alpine').start();
      stops.push(() => container.stop());
      redisUrl = container.getConnectionUrl();
    }
  }
  return { postgresUrl, redisUrl, stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}

/** The same server URL pointing at another database. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The vitest project that runs the suites on embedded Postgres and the memory engine. */
export const MEMORY_PROJECT = 'memory';

/** An embedded Postgres (the product's own) in a temporary folder, and no Redis. */
export async function embeddedTestServices(): Promise<TestServices> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { startEmbeddedPostgres } = await import('@heyyo/service-node');
  const { createLogger } = await import('@heyyo/logging');
  const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-test-pg-'));
  const server = await startEmbeddedPostgres(dataDir, createLogger({ level: 'silent', name: 'test' }));
  return {
    postgresUrl: databaseUrl(server.url, 'postgres'),
    redisUrl: '',
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
