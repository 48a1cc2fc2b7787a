/** The per-file database and Redis prefix a test file owns, and their removal. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import postgres from 'postgres';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import { databaseUrl } from './services.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/**
 * A user JWT exactly like the test servers issue (HS256, kid 'test', iss/aud 'heyyo'),
 * with other times or another secret: expired, not yet valid, forged.
 */
export function forgeUserToken(
  user: { id: string; externalId: string; app: { id: string } },
  options: { iat?: number; exp?: number; secret?: string } = {},
): Promise<string> {
  const iat = options.iat ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ app_id: user.app.id, ext: user.externalId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'test' })
    .setSubject(user.id)
    .setIssuer('heyyo')
    .setAudience('heyyo')
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 3600)
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

export interface FileResources {
  database: string;
  databaseUrl: string;
  keyPrefix: string;
  dataDir: string;
  /** The environment a Heyyo node of this file runs with. */
  env: Record<string, string>;
  /** Clones the migrated template into this file's database. */
  createDatabase(): Promise<void>;
  /** Drops the database, the Redis keys and the data folder; safe to call after a failed start. */
  release(redis?: Redis): Promise<void>;
}

export function fileResources(label: string): FileResources {
  const runId = inject('runId');
  const suffix = `${label}_${randomBytes(4).toString('hex')}`;
  const database = `${runId}_${suffix}`;
  const keyPrefix = `${runId}:${suffix}:`;
  const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-test-'));
  const url = databaseUrl(inject('postgresUrl'), database);
  const admin = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
  return {
    database,
    databaseUrl: url,
    keyPrefix,
    dataDir,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: url,
      HEYYO_REDIS_PREFIX: keyPrefix,
      HEYYO_JWT_KEYS: `test:${TEST_JWT_SECRET}`,
      HEYYO_RATE_LIMIT_MAX: '1000000',
      // Suites that test refusals make many failed credential checks from one address.
      HEYYO_AUTH_FAILURES_PER_IP: '1000000',
      HEYYO_AUTH_FAILURES_PER_KEY: '1000000',
      HEYYO_COUNTER_COALESCE_MS: '20',
      // Suites count limits exactly, and a loaded CI machine can hold a Redis round trip past the
      // 250 ms default (the limiters would fail open). Each command still has the Redis deadline.
      HEYYO_LIMITER_DEADLINE_MS: '5000',
      HEYYO_DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      // The memory project has no Redis: its nodes run on the memory engine.
      ...(inject('redisUrl') ? { REDIS_URL: inject('redisUrl') } : { HEYYO_MEMORY_ENGINE: '1' }),
    },
    async createDatabase() {
      await cloneTemplate(admin, inject('templateDatabase'), database);
    },
    async release(redis) {
      try {
        if (redis) await deleteKeys(redis, keyPrefix).catch(() => {});
      } finally {
        await admin`drop database if exists ${admin(database)} with (force)`;
        await admin.end();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** CREATE DATABASE … TEMPLATE, retried while another file is cloning the same template. */
async function cloneTemplate(admin: postgres.Sql, template: string, database: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin`create database ${admin(database)} template ${admin(template)}`;
      return;
    } catch (error) {
      const sourceBusy = (error as { code?: string }).code === '55006';
      if (!sourceBusy || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
}

/** Removes the keys this file wrote, and no one else's. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
