/**
 * Failed credential checks are limited (per client IP, per presented api_key), successful ones per
 * app: a stranger who knows a tenant's public api_key can neither lock the tenant out nor guess
 * secrets, admin tokens or JWTs without limit (issue 12, defects 1 and 2).
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { createDb } from '@heyyo/database';
import { createLogger } from '@heyyo/logging';
import { closeRedis } from '@heyyo/realtime';
import { buildHttpApp, createRedisEngine, wireServices } from '@heyyo/service-node';
import { forgeUserToken } from '../support/resources.ts';
import { useApiContext, type ApiContext, type ApiResponse, type TestApp } from '../support/api-context.ts';

const ADMIN_TOKEN = 'admin-token-for-auth-limit-tests';
const INVALID_CREDENTIALS = { error: 'Invalid API credentials', code: 'HEYYO_ERR_INVALID_CREDENTIALS' };
const INVALID_TOKEN = { error: 'Invalid token', code: 'HEYYO_ERR_INVALID_TOKEN' };
const TOKEN_EXPIRED = { error: 'Token expired', code: 'HEYYO_ERR_TOKEN_EXPIRED' };
const INVALID_ADMIN_TOKEN = { error: 'Invalid admin token', code: 'HEYYO_ERR_INVALID_ADMIN_TOKEN' };

let nextAddress = 1;
/** A client IP no other test of this file uses (counters live as long as the file's node). */
const freshIp = () => `203.0.113.${nextAddress++}`;

/** A 429 of the failed-credential limiter: the error body and a retry-after within the window. */
function expectLocked(response: ApiResponse, windowSeconds = 60) {
  expect(response.status).toBe(429);
  expect(response.body).toEqual({ error: expect.stringMatching(/^Too many failed/), code: 'HEYYO_ERR_RATE_LIMITED' });
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
}

function mint(ctx: ApiContext, app: TestApp, remoteAddress: string, secret = app.api_secret, userId = 'user-1') {
  return ctx.request('POST', '/api/auth/token', {
    body: { api_key: app.api_key, api_secret: secret, user_id: userId },
    remoteAddress,
  });
}

function listUsers(ctx: ApiContext, app: TestApp, remoteAddress: string, secret = app.api_secret) {
  return ctx.request('GET', '/api/users', { headers: { 'x-api-key': app.api_key, 'x-api-secret': secret }, remoteAddress });
}

describe('a stranger with a tenant\'s api_key (HEYYO_AUTH_FAILURES_PER_IP=5, HEYYO_RATE_LIMIT_MAX=10)', () => {
  const ctx = useApiContext({
    env: {
      HEYYO_AUTH_FAILURES_PER_IP: '5',
      HEYYO_AUTH_FAILURES_PER_KEY: '1000',
      HEYYO_AUTH_FAILURE_WINDOW_MS: '60000',
      HEYYO_RATE_LIMIT_MAX: '10',
    },
  });

  it('is refused (429, retry-after) after 5 wrong secrets, while the real backend on another IP still gets tokens', async () => {
    const app = await ctx.newApp();
    const attacker = freshIp();
    for (let attempt = 1; attempt <= 5; attempt++) {
      const refused = await mint(ctx, app, attacker, 'cbs_wrong');
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(INVALID_CREDENTIALS);
    }
    // More attempts than the per-app budget (10) the seed counted them against.
    for (let attempt = 6; attempt <= 15; attempt++) expectLocked(await mint(ctx, app, attacker, 'cbs_wrong'));

    // The attacker's IP is refused without a check: even the right secret does not tell it so.
    expectLocked(await mint(ctx, app, attacker, app.api_secret, 'guessed-right'));
    expect(await ctx.sql`select id from users where external_id = 'guessed-right'`).toHaveLength(0);

    const backend = await mint(ctx, app, freshIp());
    expect(backend.status).toBe(200);
    expect(backend.body.token).toEqual(expect.any(String));
  });
});

describe('failed credential checks (HEYYO_AUTH_FAILURES_PER_IP=3, HEYYO_AUTH_FAILURES_PER_KEY=4)', () => {
  const ctx = useApiContext({
    env: {
      HEYYO_ADMIN_TOKEN: ADMIN_TOKEN,
      HEYYO_AUTH_FAILURES_PER_IP: '3',
      HEYYO_AUTH_FAILURES_PER_KEY: '4',
      HEYYO_AUTH_FAILURE_WINDOW_MS: '60000',
    },
  });

  it('limits wrong X-API-Key / X-API-Secret headers per IP', async () => {
    const app = await ctx.newApp();
    const other = await ctx.newApp();
    const attacker = freshIp();
    // A wrong secret, an unknown key, another app's key: all failures of this IP.
    for (const [key, secret] of [
      [app.api_key, 'cbs_wrong'],
      ['cb_unknown', app.api_secret],
      [other.api_key, app.api_secret],
    ]) {
      const refused = await ctx.request('GET', '/api/users', {
        headers: { 'x-api-key': key!, 'x-api-secret': secret! },
        remoteAddress: attacker,
      });
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(INVALID_CREDENTIALS);
    }
    expectLocked(await listUsers(ctx, app, attacker, 'cbs_wrong'));
    expectLocked(await listUsers(ctx, other, attacker));
    expect((await listUsers(ctx, app, freshIp())).status).toBe(200);
  });

  it('limits failures of one api_key across IPs, yet keeps serving the IPs that have not failed with it', async () => {
    const app = await ctx.newApp();
    const attackers = [freshIp(), freshIp(), freshIp(), freshIp()];
    for (const ip of attackers) expect((await listUsers(ctx, app, ip, 'cbs_wrong')).status).toBe(401);

    // The key had its 4 failures: an IP that failed with it is refused unchecked, right secret or not…
    expectLocked(await listUsers(ctx, app, attackers[0]!, 'cbs_wrong'));
    expectLocked(await listUsers(ctx, app, attackers[1]!));
    expectLocked(await mint(ctx, app, attackers[2]!));
    // …a new IP gets one check, then is refused too…
    const newcomer = freshIp();
    expect((await mint(ctx, app, newcomer, 'cbs_wrong')).status).toBe(401);
    expectLocked(await mint(ctx, app, newcomer, 'cbs_wrong'));
    // …and the tenant's backends, which never failed, are served.
    const backend = freshIp();
    expect((await listUsers(ctx, app, backend)).status).toBe(200);
    expect((await mint(ctx, app, backend)).status).toBe(200);
    // Another app's key is not affected by this one's failures.
    const other = await ctx.newApp();
    expect((await listUsers(ctx, other, attackers[3]!)).status).toBe(200);
  });

  it('limits wrong admin tokens per IP; the right token from another IP still works', async () => {
    const guesser = freshIp();
    const admin = (token: string, remoteAddress: string) =>
      ctx.request('GET', '/api/apps', { headers: { authorization: `Bearer ${token}` }, remoteAddress });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const refused = await admin(`guess-${attempt}-xxxxxxxxxxxxxxxx`, guesser);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(INVALID_ADMIN_TOKEN);
    }
    expectLocked(await admin('guess-4-xxxxxxxxxxxxxxxx', guesser));
    expectLocked(await admin(ADMIN_TOKEN, guesser));
    expect((await admin(ADMIN_TOKEN, freshIp())).status).toBe(200);
  });

  it('limits invalid bearer JWTs per IP, but not expired or missing ones', async () => {
    const user = await ctx.newUser();
    const forger = freshIp();
    const channels = (token: string | undefined, remoteAddress: string) =>
      ctx.request('GET', '/api/channels', { ...(token === undefined ? {} : { token }), remoteAddress });

    // Expired tokens were issued by Heyyo (clients refresh them) and a missing one guesses nothing.
    const clock = Math.floor(Date.now() / 1000) - 7200;
    const expired = await forgeUserToken(user, { iat: clock, exp: clock + 3600 });
    for (let attempt = 1; attempt <= 4; attempt++) {
      const response = await channels(expired, forger);
      expect(response.status).toBe(403);
      expect(response.body).toEqual(TOKEN_EXPIRED);
      expect((await channels(undefined, forger)).status).toBe(401);
    }

    const forged = await forgeUserToken(user, { secret: 'a-forged-secret-that-is-long-enough-0123456789' });
    for (const token of ['garbage', forged, `${user.token}x`]) {
      const refused = await channels(token, forger);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual(INVALID_TOKEN);
    }
    expectLocked(await channels('garbage', forger));
    // A valid token this node has not verified yet is not checked from the locked IP either.
    expectLocked(await channels(user.token, forger));
    expect((await channels(user.token, freshIp())).status).toBe(200);
  });

  it('counts every kind of failed credential against one budget per IP', async () => {
    const app = await ctx.newApp();
    const ip = freshIp();
    expect((await ctx.request('GET', '/api/channels', { token: 'garbage', remoteAddress: ip })).status).toBe(403);
    expect((await ctx.request('GET', '/api/apps', { headers: { authorization: 'Bearer wrong' }, remoteAddress: ip })).status).toBe(403);
    expect((await mint(ctx, app, ip, 'cbs_wrong')).status).toBe(401);
    expectLocked(await listUsers(ctx, app, ip));
  });

  it('does not count successful checks', async () => {
    const app = await ctx.newApp();
    const ip = freshIp();
    for (let attempt = 1; attempt <= 10; attempt++) {
      expect((await listUsers(ctx, app, ip)).status).toBe(200);
      expect((await mint(ctx, app, ip, app.api_secret, `user-${attempt}`)).status).toBe(200);
    }
    for (let attempt = 1; attempt <= 3; attempt++) expect((await listUsers(ctx, app, ip, 'cbs_wrong')).status).toBe(401);
    expectLocked(await listUsers(ctx, app, ip, 'cbs_wrong'));
  });
});

describe('successful token requests (HEYYO_RATE_LIMIT_MAX=5)', () => {
  const ctx = useApiContext({ env: { HEYYO_RATE_LIMIT_MAX: '5', HEYYO_RATE_LIMIT_WINDOW_MS: '60000' } });

  it('are limited per authenticated app; failures with its api_key do not spend that budget', async () => {
    const app = await ctx.newApp();
    const other = await ctx.newApp();
    const stranger = freshIp();
    for (let attempt = 1; attempt <= 6; attempt++) expect((await mint(ctx, app, stranger, 'cbs_wrong')).status).toBe(401);

    const backends = [freshIp(), freshIp()];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const minted = await mint(ctx, app, backends[attempt % 2]!, app.api_secret, `user-${attempt}`);
      expect(minted.status).toBe(200);
    }
    // The 6th success of the app in the window, from whichever of its servers.
    const limited = await mint(ctx, app, backends[0]!, app.api_secret, 'user-6');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: expect.stringMatching(/^Rate limit exceeded/), code: 'HEYYO_ERR_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Another app has its own budget.
    expect((await mint(ctx, other, backends[0]!)).status).toBe(200);
  });
});

describe.skipIf(!inject('redisUrl'))('failure budgets across API nodes sharing Redis (HEYYO_AUTH_FAILURES_PER_IP=4)', () => {
  const ctx = useApiContext({ env: { HEYYO_AUTH_FAILURES_PER_IP: '4', HEYYO_AUTH_FAILURES_PER_KEY: '1000' } });

  /** A second API node: its own Redis connection, database pool, services and Fastify app, the same config. */
  async function secondNode(): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
    const config = ctx.config;
    const logger = createLogger({ level: config.log.level, name: 'test-node-2' });
    const redis = new Redis(config.redis.url, { maxRetriesPerRequest: 3 });
    const db = createDb({ url: config.database.url, poolMax: 2 });
    const engine = createRedisEngine(config, logger, redis);
    const wiring = wireServices(config, db, engine, logger);
    const app = await buildHttpApp(config, logger, wiring);
    await app.ready();
    return {
      app,
      async close() {
        await app.close();
        await wiring.jobs.close();
        await db.close();
        await closeRedis(redis);
      },
    };
  }

  it('shares one failure budget per IP between the nodes', async () => {
    const node2 = await secondNode();
    try {
      const app = await ctx.newApp();
      const ip = freshIp();
      const viaNode2 = async (secret: string) => {
        const response = await node2.app.inject({
          method: 'GET',
          url: '/api/users',
          headers: { 'x-api-key': app.api_key, 'x-api-secret': secret },
          remoteAddress: ip,
        });
        return { status: response.statusCode, body: response.json(), headers: response.headers };
      };
      expect((await listUsers(ctx, app, ip, 'cbs_wrong')).status).toBe(401);
      expect((await viaNode2('cbs_wrong')).status).toBe(401);
      expect((await listUsers(ctx, app, ip, 'cbs_wrong')).status).toBe(401);
      expect((await viaNode2('cbs_wrong')).status).toBe(401);
      // 4 failures in all, 2 on each node: both nodes refuse the IP now.
      expectLocked(await listUsers(ctx, app, ip, 'cbs_wrong'));
      expectLocked(await viaNode2('cbs_wrong'));
      expectLocked(await viaNode2(app.api_secret));
      // The count lives in Redis, under the rate-limit namespace of this node's prefix.
      expect(await redisValue(ctx.config.redis.url, `${ctx.config.redis.keyPrefix}ratelimit:authfail:ip:${ip}`)).toBe('4');
    } finally {
      await node2.close();
    }
  });
});

async function redisValue(url: string, key: string): Promise<string | null> {
  const redis = new Redis(url);
  try {
    return await redis.get(key);
  } finally {
    await closeRedis(redis);
  }
}
