/**
 * The HTTP edge: health/readiness, the error wire format for framework-level
 * failures (routing, parsing, size, media type), rate limiting, request ids and CORS.
 * Every error response produced here also goes through `expectNoLeak`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '@heyyo/config';
import { createLogger } from '@heyyo/logging';
import { startNode, type RunningNode } from '@heyyo/service-node';
import {
  TEST_JWT_SECRET,
  useApiContext,
  type ApiContext,
  type ApiResponse,
  type RequestOptions,
} from '../support/api-context.ts';
import { databaseUrl } from '../support/services.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JSON_TYPE = /^application\/json/;

/** No stack trace, source location, SQL or database name may reach a client. */
function expectNoLeak(response: ApiResponse): void {
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  expect(text).not.toMatch(/stack/i);
  expect(text).not.toMatch(/\bat\s+[\w$.<>[\]]+\s+\(/); // "at fn (file:1:2)"
  expect(text).not.toMatch(/(^|\\n|\n)\s*at\s/); // a frame on its own line
  expect(text).not.toMatch(/\.(ts|js|mjs|cjs):\d+/); // file:line
  expect(text).not.toMatch(/node_modules|node:internal/);
  expect(text).not.toMatch(/\b(select|insert|update|returning|where)\b/i);
  expect(text).not.toMatch(/postgres|drizzle|pg_|sqlstate|relation "|syntax error at/i);
  expect(text).not.toMatch(/FST_ERR|ECONNREFUSED|ioredis/i);
}

/** An error response: JSON, the given status and body, carrying a request id, leaking nothing. */
function expectError(response: ApiResponse, status: number, body: Record<string, unknown>): void {
  expect({ status: response.status, body: response.body }).toEqual({ status, body });
  expect(String(response.headers['content-type'])).toMatch(JSON_TYPE);
  expect(response.headers['x-request-id']).toEqual(expect.any(String));
  expectNoLeak(response);
}

/** A raw body with an explicit content type (ctx.request would JSON-encode objects). */
function raw(ctx: ApiContext, method: 'POST' | 'PUT', url: string, payload: string, contentType: string, token?: string) {
  const options: RequestOptions = { body: payload, headers: { 'content-type': contentType } };
  if (token !== undefined) options.token = token;
  return ctx.request(method, url, options);
}

describe('/health and /ready', () => {
  const ctx = useApiContext();

  it('GET /health reports status, version and uptime', async () => {
    const response = await ctx.request('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', version: '0.1.0', uptime: expect.any(Number) });
    expect(response.body.uptime).toBeGreaterThan(0);
    expect(String(response.headers['content-type'])).toMatch(JSON_TYPE);
  });

  it('GET /ready checks Postgres and Redis (Postgres alone on the memory engine)', async () => {
    const response = await ctx.request('GET', '/ready');
    expect(response.status).toBe(200);
    const redis = ctx.config.redis.forceMemoryEngine ? {} : { redis: 'ok' };
    expect(response.body).toEqual({ status: 'ready', checks: { postgres: 'ok', ...redis, load: 'ok' } });
  });
});

/*
 * With useApiContext({ env: { REDIS_URL: 'redis://127.0.0.1:1' } }) /ready does answer 503, but the
 * context's afterAll then fails (its key cleanup SCAN rejects with MaxRetriesPerRequestError, so the
 * client is never closed and the database never dropped). This block therefore starts the real
 * node wiring (startNode, as `npm start` does) against an unreachable Redis instead.
 */
describe('/ready with an unreachable Redis', () => {
  const admin = postgres(inject('postgresUrl'), { max: 1, onnotice: () => {} });
  const database = `${inject('runId')}_ready_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'heyyo-test-'));
  let node: RunningNode | undefined;

  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl(inject('postgresUrl'), database),
      REDIS_URL: 'redis://127.0.0.1:1',
      HEYYO_JWT_KEYS: `test:${TEST_JWT_SECRET}`,
      HEYYO_DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    });
    node = await startNode(config, createLogger({ level: 'silent', name: 'test' }));
  });

  afterAll(async () => {
    await node?.stop();
    await admin`drop database if exists ${admin(database)} with (force)`;
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 naming Redis as unavailable, while /health stays up', async () => {
    const started = Date.now();
    const response = await fetch(`${node!.url}/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'unavailable', load: 'ok' } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
    // ioredis gives up after maxRetriesPerRequest reconnects: well under the test timeout.
    expect(Date.now() - started).toBeLessThan(10_000);
    const health = await fetch(`${node!.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', version: '0.1.0', uptime: expect.any(Number) });
  }, 15_000);

  it('keeps serving requests: rate limiting skips the unreachable Redis instead of failing', async () => {
    const created = await fetch(`${node!.url}/api/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'degraded' }),
    });
    expect(created.status).toBe(201);
  }, 15_000);
});

describe('routing errors', () => {
  const ctx = useApiContext();

  it('an unknown route is a JSON 404', async () => {
    expectError(await ctx.request('GET', '/api/nope'), 404, {
      error: 'Route GET /api/nope not found',
      code: 'HEYYO_ERR_ROUTE_NOT_FOUND',
    });
    // The query string is not echoed back.
    expectError(await ctx.request('GET', '/api/nope?select=1&x=<script>'), 404, {
      error: 'Route GET /api/nope not found',
      code: 'HEYYO_ERR_ROUTE_NOT_FOUND',
    });
  });

  it('an unknown method on a known path is a JSON 404', async () => {
    const user = await ctx.newUser();
    expectError(await ctx.request('PATCH', '/api/channels', { token: user.token }), 404, {
      error: 'Route PATCH /api/channels not found',
      code: 'HEYYO_ERR_ROUTE_NOT_FOUND',
    });
    expectError(await ctx.request('DELETE', '/health'), 404, {
      error: 'Route DELETE /health not found',
      code: 'HEYYO_ERR_ROUTE_NOT_FOUND',
    });
    expectError(await ctx.request('PUT', '/api/apps', { body: { name: 'x' } }), 404, {
      error: 'Route PUT /api/apps not found',
      code: 'HEYYO_ERR_ROUTE_NOT_FOUND',
    });
  });

  it('malformed ids in paths answer 404 like unknown ones, never a 500', async () => {
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const message = await ctx.send(user, channel.id);
    const channelNotFound = { error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' };
    const messageNotFound = { error: 'Message not found', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' };
    const notYours = { error: 'Message not found or unauthorized', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' };
    const userNotFound = { error: 'User not found', code: 'HEYYO_ERR_USER_NOT_FOUND' };
    const parentNotFound = { error: 'Parent message not found', code: 'HEYYO_ERR_PARENT_NOT_FOUND' };
    // Body templates naming the malformed id are filled in per id below.
    const cases: [method: 'GET' | 'POST' | 'DELETE', url: (id: string) => string, body: unknown, expected: object][] = [
      ['GET', (id) => `/api/channels/${id}`, undefined, channelNotFound],
      ['POST', (id) => `/api/channels/${id}/join`, undefined, channelNotFound],
      ['POST', (id) => `/api/channels/${id}/members`, { user_id: user.id }, channelNotFound],
      ['POST', () => `/api/channels/${channel.id}/members`, 'USER_ID', userNotFound],
      ['GET', (id) => `/api/channels/${id}/messages`, undefined, channelNotFound],
      ['POST', (id) => `/api/channels/${id}/messages`, { text: 'x' }, channelNotFound],
      ['POST', () => `/api/channels/${channel.id}/messages`, 'PARENT_ID', parentNotFound],
      ['POST', (id) => `/api/channels/${id}/messages/${message.id}/reactions`, { type: ':x:' }, channelNotFound],
      ['POST', (id) => `/api/channels/${channel.id}/messages/${id}/reactions`, { type: ':x:' }, messageNotFound],
      ['DELETE', (id) => `/api/channels/${id}/messages/${message.id}`, undefined, notYours],
      ['DELETE', (id) => `/api/channels/${channel.id}/messages/${id}`, undefined, notYours],
      ['POST', () => '/api/channels', 'MEMBERS', userNotFound],
    ];
    const actual: object[] = [];
    const expected: object[] = [];
    for (const id of ['not-a-uuid', "1'%20or%20'1'='1"]) {
      const malformed = decodeURIComponent(id);
      for (const [method, url, template, body] of cases) {
        const payload =
          template === 'USER_ID' ? { user_id: malformed }
          : template === 'PARENT_ID' ? { text: 'x', parent_id: malformed }
          : template === 'MEMBERS' ? { name: 'malformed-members', members: [malformed] }
          : template;
        const response = await ctx.request(method, url(id), {
          token: user.token,
          ...(payload === undefined ? {} : { body: payload }),
        });
        if (response.status >= 400) expectNoLeak(response);
        actual.push({ request: `${method} ${url(id)}`, status: response.status, body: response.body });
        expected.push({ request: `${method} ${url(id)}`, status: 404, body });
      }
    }
    expect(actual).toEqual(expected);
    const [row] = await ctx.sql`select deleted_at from messages where id = ${message.id}`;
    expect(row!.deleted_at).toBeNull();
    expect(await ctx.sql`select 1 from messages where channel_id = ${channel.id}`).toHaveLength(1);
  });
});

describe('request bodies', () => {
  const ctx = useApiContext();

  async function channelCount(): Promise<number> {
    const [row] = await ctx.sql`select count(*)::int as n from channels`;
    return row!.n as number;
  }

  it('malformed JSON is a 400 INVALID_JSON', async () => {
    const user = await ctx.newUser();
    for (const payload of ['{"name": ', '{name: "x"}', "{'name':'x'}", '{"name":"x",}']) {
      expectError(await raw(ctx, 'POST', '/api/channels', payload, 'application/json', user.token), 400, {
        error: 'Request body is not valid JSON',
        code: 'HEYYO_ERR_INVALID_JSON',
      });
    }
    // Public routes parse the same way.
    expectError(await raw(ctx, 'POST', '/api/auth/token', '{"api_key":', 'application/json; charset=utf-8'), 400, {
      error: 'Request body is not valid JSON',
      code: 'HEYYO_ERR_INVALID_JSON',
    });
    expect(await channelCount()).toBe(0);
  });

  it('a JSON body that is not an object is a 400 VALIDATION', async () => {
    const user = await ctx.newUser();
    for (const payload of ['"just a string"', '[1,2]', '42', 'null', 'true']) {
      const response = await raw(ctx, 'POST', '/api/channels', payload, 'application/json', user.token);
      expect(response.status, payload).toBe(400);
      expect(response.body.code, payload).toBe('HEYYO_ERR_VALIDATION');
      expect(response.body.error, payload).toEqual(expect.any(String));
      expectNoLeak(response);
    }
    expectError(await raw(ctx, 'POST', '/api/channels', '"just a string"', 'application/json', user.token), 400, {
      error: 'Request body must be a JSON object',
      code: 'HEYYO_ERR_VALIDATION',
    });
    expect(await channelCount()).toBe(0);
  });

  it('prototype-poisoning keys are refused with 400', async () => {
    const user = await ctx.newUser();
    for (const payload of [
      '{"name":"poisoned","__proto__":{"isAdmin":true}}',
      '{"name":"poisoned","metadata":{"__proto__":{"x":1}}}',
      '{"name":"poisoned","constructor":{"prototype":{"x":1}}}',
    ]) {
      const response = await raw(ctx, 'POST', '/api/channels', payload, 'application/json', user.token);
      expect(response.status, payload).toBe(400);
      expect(['HEYYO_ERR_INVALID_JSON', 'HEYYO_ERR_VALIDATION'], payload).toContain(response.body.code);
      expectNoLeak(response);
    }
    expect(await ctx.sql`select 1 from channels where name = 'poisoned'`).toHaveLength(0);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('a non-JSON content type with a body is a 415', async () => {
    const user = await ctx.newUser();
    const unsupported = { error: 'Content-Type must be application/json', code: 'HEYYO_ERR_UNSUPPORTED_MEDIA_TYPE' };
    const cases: [payload: string, contentType: string][] = [
      ['{"name":"as-text"}', 'text/plain'],
      ['general', 'text/plain; charset=utf-8'],
      ['name=general', 'application/x-www-form-urlencoded'],
      ['<name>general</name>', 'application/xml'],
    ];
    const actual: object[] = [];
    for (const [payload, contentType] of cases) {
      const response = await raw(ctx, 'POST', '/api/channels', payload, contentType, user.token);
      if (response.status >= 400) expectNoLeak(response);
      actual.push({ contentType, status: response.status, body: response.body });
    }
    expect(actual).toEqual(cases.map(([, contentType]) => ({ contentType, status: 415, body: unsupported })));
    expect(await channelCount()).toBe(0);
  });

  it('a body over 256 KiB is a 413', async () => {
    const user = await ctx.newUser();
    expect(ctx.config.limits.bodyBytes).toBe(256 * 1024);
    const body = { name: 'huge', description: 'x'.repeat(256 * 1024) };
    expectError(await ctx.request('POST', '/api/channels', { token: user.token, body }), 413, {
      error: 'Request body is too large',
      code: 'HEYYO_ERR_PAYLOAD_TOO_LARGE',
    });
    expect(await channelCount()).toBe(0);
    // Just under the limit is parsed (and then refused by validation, not by size).
    const underLimit = { name: 'big', description: 'x'.repeat(200 * 1024) };
    const response = await ctx.request('POST', '/api/channels', { token: user.token, body: underLimit });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('HEYYO_ERR_VALIDATION');
    expectNoLeak(response);
  });
});

describe('request bodies with HEYYO_MAX_BODY_BYTES=2048', () => {
  const ctx = useApiContext({ env: { HEYYO_MAX_BODY_BYTES: '2048' } });

  it('refuses a 3 KB message with 413 and stores nothing', async () => {
    expect(ctx.config.limits.bodyBytes).toBe(2048);
    const user = await ctx.newUser();
    const channel = await ctx.newChannel(user);
    const response = await ctx.request('POST', `/api/channels/${channel.id}/messages`, {
      token: user.token,
      body: { text: 'y'.repeat(3 * 1024) },
    });
    expectError(response, 413, { error: 'Request body is too large', code: 'HEYYO_ERR_PAYLOAD_TOO_LARGE' });
    expect(await ctx.sql`select 1 from messages where channel_id = ${channel.id}`).toHaveLength(0);
    // A 1 KB message still goes through.
    const small = await ctx.request('POST', `/api/channels/${channel.id}/messages`, {
      token: user.token,
      body: { text: 'y'.repeat(1024) },
    });
    expect(small.status).toBe(201);
  });
});

describe('rate limiting (5 requests per minute)', () => {
  const ctx = useApiContext({ env: { HEYYO_RATE_LIMIT_MAX: '5', HEYYO_RATE_LIMIT_WINDOW_MS: '60000' } });
  let redis: Redis | undefined;

  afterAll(async () => {
    await redis?.quit();
  });

  it('limits a user’s 6th request with 429 and retry-after, not another user’s, never /health', async () => {
    expect(ctx.config.limits.rateLimitMax).toBe(5);
    const app = await ctx.newApp();
    const first = await ctx.newUser(app);
    const second = await ctx.newUser(app);

    for (let i = 1; i <= 5; i++) {
      const response = await ctx.request('GET', '/api/channels', { token: first.token });
      expect(response.status, `request ${i}`).toBe(200);
    }
    const limited = await ctx.request('GET', '/api/channels', { token: first.token });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: expect.stringMatching(/^Rate limit exceeded/), code: 'HEYYO_ERR_RATE_LIMITED' });
    expect(String(limited.headers['content-type'])).toMatch(JSON_TYPE);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expectNoLeak(limited);

    // The limit is per user: the first user's requests did not use up the second's.
    const other = await ctx.request('GET', '/api/channels', { token: second.token });
    expect(other.status).toBe(200);

    // Liveness and readiness probes are never limited.
    for (let i = 0; i < 12; i++) {
      expect((await ctx.request('GET', '/health')).status).toBe(200);
    }
    expect((await ctx.request('GET', '/ready')).status).toBe(200);

    // The counters are shared through Redis, under this context's prefix (in-process on the memory engine).
    if (ctx.config.redis.forceMemoryEngine) return;
    redis = new Redis(ctx.config.redis.url!, { maxRetriesPerRequest: 3 });
    const namespace = `${ctx.config.redis.keyPrefix}ratelimit:`;
    const keys = await redis.keys(`${namespace}*`);
    const firstKey = `${namespace}user:${app.id}:${first.id}`;
    const secondKey = `${namespace}user:${app.id}:${second.id}`;
    expect(keys).toEqual(expect.arrayContaining([firstKey, secondKey]));
    expect(Number(await redis.get(firstKey))).toBe(6);
    expect(Number(await redis.get(secondKey))).toBe(1);
    const ttl = await redis.pttl(firstKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });
});

describe('request ids', () => {
  const ctx = useApiContext();

  it('every response carries an x-request-id, fresh per request', async () => {
    const user = await ctx.newUser();
    const responses = [
      await ctx.request('GET', '/health'),
      await ctx.request('GET', '/ready'),
      await ctx.request('GET', '/api/channels', { token: user.token }),
      await ctx.request('GET', '/api/channels'),
      await ctx.request('GET', '/api/channels', { token: 'not-a-jwt' }),
      await ctx.request('GET', '/api/nope'),
      await raw(ctx, 'POST', '/api/channels', '{', 'application/json', user.token),
      await ctx.request('POST', '/api/channels', { token: user.token, body: {} }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 401, 403, 404, 400, 400]);
    for (const response of responses.filter((r) => r.status >= 400)) expectNoLeak(response);
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a sane caller-supplied x-request-id', async () => {
    const response = await ctx.request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(response.headers['x-request-id']).toBe('abc-123');
    const error = await ctx.request('GET', '/api/nope', { headers: { 'x-request-id': 'trace.id:42_x' } });
    expect(error.status).toBe(404);
    expect(error.headers['x-request-id']).toBe('trace.id:42_x');
  });

  it('replaces an invalid x-request-id with a UUID', async () => {
    for (const given of ['abc 123', 'a'.repeat(300), 'new\\nline', '<script>']) {
      const response = await ctx.request('GET', '/health', { headers: { 'x-request-id': given } });
      expect(response.status).toBe(200);
      expect(response.headers['x-request-id'], given).toMatch(UUID);
    }
  });
});

describe('CORS', () => {
  const ctx = useApiContext();

  it('answers a preflight from another origin with 204', async () => {
    const response = await ctx.request('OPTIONS', '/api/channels', {
      headers: {
        origin: 'https://example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(['*', 'https://example.com']).toContain(response.headers['access-control-allow-origin']);
    expect(String(response.headers['access-control-allow-methods'])).toMatch(/\bPOST\b/);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toMatch(/authorization/);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toMatch(/content-type/);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('allows every method the API uses from another origin (a browser edits and deletes too)', async () => {
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
      const response = await ctx.request('OPTIONS', '/api/channels/0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11/messages/x', {
        headers: { origin: 'https://example.com', 'access-control-request-method': method },
      });
      expect(response.status, method).toBe(204);
      expect(String(response.headers['access-control-allow-methods']).split(/\s*,\s*/), method).toContain(method);
    }
  });

  it('exposes the request id to browsers on actual responses', async () => {
    const user = await ctx.newUser();
    const response = await ctx.request('GET', '/api/channels', {
      token: user.token,
      headers: { origin: 'https://example.com' },
    });
    expect(response.status).toBe(200);
    expect(['*', 'https://example.com']).toContain(response.headers['access-control-allow-origin']);
    expect(String(response.headers['access-control-expose-headers'])).toMatch(/x-request-id/);
  });
});

describe('error bodies', () => {
  const ctx = useApiContext();

  it('the leak probe rejects what it must (so a pass above means something)', () => {
    const leaky = [
      { error: 'Error: boom\n    at Object.<anonymous> (/app/src/x.ts:1:2)' },
      { error: 'insert into messages failed' },
      { error: 'select * from users' },
      { error: 'connect ECONNREFUSED postgres:5432' },
      { error: 'x', stack: 'trace' },
    ];
    for (const body of leaky) {
      expect(() => expectNoLeak({ status: 500, body, headers: {} })).toThrow();
    }
  });

  it('auth failures and validation failures leak nothing either', async () => {
    const user = await ctx.newUser();
    expectError(await ctx.request('GET', '/api/channels'), 401, {
      error: 'Authentication required',
      code: 'HEYYO_ERR_AUTH_REQUIRED',
    });
    expectError(await ctx.request('GET', '/api/channels', { token: 'a.b.c' }), 403, {
      error: 'Invalid token',
      code: 'HEYYO_ERR_INVALID_TOKEN',
    });
    const app = await ctx.newApp();
    expectError(
      await ctx.request('POST', '/api/auth/token', {
        body: { api_key: app.api_key, api_secret: "' or 1=1 --", user_id: 'u' },
      }),
      401,
      { error: 'Invalid API credentials', code: 'HEYYO_ERR_INVALID_CREDENTIALS' },
    );
    expectError(await ctx.request('GET', '/api/channels?limit=abc', { token: user.token }), 400, {
      error: 'limit must be of type integer',
      code: 'HEYYO_ERR_VALIDATION',
    });
    const channel = await ctx.newChannel(user);
    expectError(
      await ctx.request('GET', `/api/channels/${channel.id}/messages?before=${encodeURIComponent("'; drop table x")}`, {
        token: user.token,
      }),
      400,
      { error: 'before must be a valid date-time', code: 'HEYYO_ERR_VALIDATION' },
    );
    expectError(
      await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: '   ' } }),
      400,
      { error: 'Message must have text or attachments', code: 'HEYYO_ERR_VALIDATION' },
    );
    expectError(
      await ctx.request('POST', `/api/channels/${randomUUID()}/messages`, { token: user.token, body: { text: 'x' } }),
      404,
      { error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' },
    );
  });
});
