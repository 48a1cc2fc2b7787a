/**
 * The demo chat page a development node serves at `/`, and its sessions (`POST /demo/session`):
 * the page from a folder like Vite's build output, the session route's shapes, limits and
 * events, and the demo app's bootstrap.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP_KEY, DEMO_CHANNEL_NAME, prepareDemoSpace } from '@heyyo/chat';
import { createDb, createRepositories, type DatabaseHandle } from '@heyyo/database';
import { createLogger } from '@heyyo/logging';
import { buildHttpApp } from '@heyyo/service-node';
import { useApiContext } from '../support/api-context.ts';
import { useNodeContext } from '../support/node-context.ts';
import { fileResources } from '../support/resources.ts';
import { nextEvent } from '../support/sockets.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INDEX_HTML = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body></body></html>';
const ASSET = 'console.log("demo");';
const NOT_BUILT = { error: 'The demo page is not built: run npm run build' };
const ROUTE_NOT_FOUND = (method: string, path: string) => ({ error: `Route ${method} ${path} not found`, code: 'HEYYO_ERR_ROUTE_NOT_FOUND' });
const ADMIN_TOKEN = 'an-admin-token-of-some-length';

/** A folder laid out as Vite builds libs/react/demo: index.html and hashed assets/. */
function builtPage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'heyyo-demo-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), ASSET);
  return dir;
}

const pageDir = builtPage();
const unbuiltDir = join(mkdtempSync(join(tmpdir(), 'heyyo-demo-')), 'dist');
afterAll(() => {
  rmSync(pageDir, { recursive: true, force: true });
  rmSync(join(unbuiltDir, '..'), { recursive: true, force: true });
});

/** Demo apps and `general` channels of demo apps in a database, and their members. */
async function demoRows(sql: postgres.Sql) {
  const [row] = await sql`
    select (select count(*)::int from apps where api_key = ${DEMO_APP_KEY}) as apps,
           (select count(*)::int from channels c join apps a on a.id = c.app_id
             where a.api_key = ${DEMO_APP_KEY} and c.name = ${DEMO_CHANNEL_NAME}) as channels`;
  return row as unknown as { apps: number; channels: number };
}

describe('a development node serving the built demo page', () => {
  const ctx = useNodeContext({ env: { HEYYO_DEMO: '1', HEYYO_DEMO_DIR: pageDir, HEYYO_TRUST_PROXY: '1' } });
  let sql: postgres.Sql;
  beforeAll(() => {
    sql = postgres(ctx.config.database.url, { max: 1, onnotice: () => {} });
  });
  afterAll(() => sql?.end());

  /** A session from `ip` (the node trusts X-Forwarded-For here, so each test can be its own client). */
  const startSession = (body: unknown, ip = '198.51.100.1') =>
    ctx.request('POST', '/demo/session', { body, headers: { 'x-forwarded-for': ip } });

  describe('the page', () => {
    it('serves index.html at / to be revalidated each time, under a same-origin CSP', async () => {
      const response = await fetch(`${ctx.url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('etag')).toBeTruthy();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      const csp = response.headers.get('content-security-policy');
      for (const directive of ["script-src 'self'", "connect-src 'self' ws: wss:", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: https:"]) {
        expect(csp).toContain(directive);
      }
      expect(await response.text()).toBe(INDEX_HTML);
      // CORS stays as on every route (HEYYO_CORS_ORIGINS=*: the origin is reflected).
      const cors = await fetch(`${ctx.url}/`, { headers: { origin: 'https://example.com' } });
      expect(cors.headers.get('access-control-allow-origin')).toBe('https://example.com');
    });

    it('serves its hashed assets for a year, and answers 404 JSON for one that is not there', async () => {
      const asset = await fetch(`${ctx.url}/assets/app-1a2b3c.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await asset.text()).toBe(ASSET);

      const missing = await fetch(`${ctx.url}/assets/app-000000.js`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual(ROUTE_NOT_FOUND('GET', '/assets/app-000000.js'));
      // Only the page's folder: nothing outside it.
      expect((await fetch(`${ctx.url}/assets/..%2findex.html`)).status).not.toBe(200);
    });

    it('leaves the API, probes, metrics, documents and Socket.IO where they were', async () => {
      const health = await ctx.request('GET', '/health');
      expect(health.body).toMatchObject({ status: 'ok' });
      expect(health.headers['content-security-policy']).toBeUndefined();
      expect((await ctx.request('GET', '/ready')).status).toBe(200);
      expect((await fetch(`${ctx.url}/metrics`)).headers.get('content-type')).toContain('text/plain');
      expect((await ctx.request('GET', '/asyncapi.json')).status).toBe(200);
      expect((await fetch(`${ctx.url}/docs/`)).headers.get('content-type')).toContain('text/html');
      expect((await ctx.request('GET', '/api/channels')).body.code).toBe('HEYYO_ERR_AUTH_REQUIRED');
      expect((await ctx.request('GET', '/api/nope')).body).toEqual(ROUTE_NOT_FOUND('GET', '/api/nope'));
      const handshake = await fetch(`${ctx.url}/socket.io/?EIO=4&transport=polling`);
      expect(handshake.status).toBe(200);
      expect(await handshake.text()).toMatch(/^0\{"sid":/);
    });

    it('documents POST /demo/session under "Demo", as development-only', async () => {
      const { paths, tags } = (await ctx.request('GET', '/openapi.json')).body;
      const operation = paths['/demo/session'].post;
      expect(operation.tags).toEqual(['Demo']);
      expect(operation.security).toEqual([]);
      expect(operation.description).toContain('only on development nodes');
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['201', '400', '429', '500']));
      expect(tags).toContainEqual(expect.objectContaining({ name: 'Demo' }));
      expect(paths['/']).toBeUndefined();
    });
  });

  describe('POST /demo/session', () => {
    it('creates a user in general with a normal user token', async () => {
      const startedAt = Date.now();
      const session = await startSession({ display_name: '  Ada  ' });
      expect(session.status).toBe(201);
      expect(session.body).toEqual({
        token: expect.any(String),
        user: { id: expect.stringMatching(UUID), external_id: expect.stringMatching(/^demo-[0-9a-f-]{36}$/), display_name: 'Ada' },
        channel_id: expect.stringMatching(UUID),
        expires_at: expect.any(String),
      });
      const { token, user, channel_id: channelId } = session.body;

      const verified = await ctx.request('GET', '/api/auth/verify', { token });
      expect(verified.body).toMatchObject({ valid: true, user_id: user.id, external_id: user.external_id, role: 'user' });
      // The default lifetime (an hour), and expires_at no later than the token's exp.
      const expiresAt = Date.parse(session.body.expires_at);
      expect(expiresAt).toBeLessThanOrEqual(verified.body.exp * 1000);
      expect(expiresAt).toBeGreaterThanOrEqual(verified.body.exp * 1000 - 1000);
      expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000 + ctx.config.auth.tokenTtlSeconds * 1000);

      const channels = await ctx.request('GET', '/api/channels', { token });
      expect(channels.status).toBe(200);
      expect(channels.body).toEqual([expect.objectContaining({ id: channelId, name: 'general', type: 'messaging', role: 'member' })]);
      const [row] = await sql`select a.api_key, u.display_name from users u join apps a on a.id = u.app_id where u.id = ${user.id}`;
      expect(row).toEqual({ api_key: DEMO_APP_KEY, display_name: 'Ada' });
    });

    it('puts every session in the same general, a new user each time even with the same name', async () => {
      const first = await startSession({ display_name: 'Sam' });
      const second = await startSession({ display_name: 'Sam' });
      expect(second.body.channel_id).toBe(first.body.channel_id);
      expect(second.body.user.id).not.toBe(first.body.user.id);
      const details = await ctx.request('GET', `/api/channels/${first.body.channel_id}`, { token: second.body.token });
      expect(details.body.members).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: first.body.user.id, display_name: 'Sam', role: 'member' }),
          expect.objectContaining({ id: second.body.user.id, display_name: 'Sam', role: 'member' }),
          // The demo app's own user owns general; no demo user can delete it.
          expect.objectContaining({ external_id: 'demo-owner', role: 'owner' }),
        ]),
      );
      // Messages flow between them.
      const sent = await ctx.request('POST', `/api/channels/${first.body.channel_id}/messages`, { token: first.body.token, body: { text: 'hi Sam' } });
      expect(sent.status).toBe(201);
      const history = await ctx.request('GET', `/api/channels/${first.body.channel_id}/messages`, { token: second.body.token });
      expect(history.body.map((message: { text: string }) => message.text)).toContain('hi Sam');
    });

    it("announces each new user to the members' open sockets (member.joined)", async () => {
      const first = await startSession({ display_name: 'Tab one' });
      const socket = await ctx.connect(first.body.token);
      const joined = nextEvent(socket, 'member.joined', (event) => event.externalId !== first.body.user.external_id);
      const second = await startSession({ display_name: 'Tab two' });
      expect(await joined).toMatchObject({
        channelId: first.body.channel_id,
        userId: second.body.user.id,
        externalId: second.body.user.external_id,
      });
    });

    it('takes names of 1 to 64 characters once trimmed', async () => {
      for (const name of ['x', 'x'.repeat(64), ` ${'é'.repeat(64)}\t`, '😀'.repeat(64)]) {
        const response = await startSession({ display_name: name });
        expect(response.status, name).toBe(201);
        expect(response.body.user.display_name).toBe(name.trim());
      }
    });

    it.each([
      ['no name', {}, 'display_name is required'],
      ['an empty name', { display_name: '' }, 'display_name must NOT have fewer than 1 characters'],
      ['a blank name', { display_name: ' \t ' }, 'display_name must be 1 to 64 characters once trimmed'],
      ['a name too long', { display_name: 'x'.repeat(65) }, 'display_name must be 1 to 64 characters once trimmed'],
      ['a name past the raw bound', { display_name: 'x'.repeat(256) }, 'display_name must NOT have more than 255 characters'],
      ['a NUL', { display_name: 'a\u0000b' }, 'display_name must not contain NUL (\\u0000) characters'],
      ['a lone surrogate', { display_name: 'a\ud800b' }, 'display_name must not contain unpaired UTF-16 surrogates'],
      ['an extra field', { display_name: 'Ann', user_id: 'admin' }, 'unknown field "user_id"'],
      ['a name that is not a string', { display_name: 42 }, 'display_name must be of type string'],
      ['a body that is not an object', [], 'Request body must be a JSON object'],
    ])('refuses %s with 400', async (_case, body, error) => {
      const userCount = async () => (await sql`select count(*)::int as users from users`)[0]!.users as number;
      const usersBefore = await userCount();
      const response = await startSession(body, '198.51.100.2');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
      expect(await userCount()).toBe(usersBefore);
    });

    it('refuses invalid JSON with 400', async () => {
      const response = await ctx.request('POST', '/demo/session', { body: '{"display_name":', headers: { 'content-type': 'application/json' } });
      expect(response).toMatchObject({ status: 400, body: { code: 'HEYYO_ERR_INVALID_JSON' } });
    });

    it('limits sessions per client IP (429), leaving other clients their own budget', async () => {
      const ip = '203.0.113.9';
      for (let session = 0; session < 20; session++) {
        expect((await startSession({ display_name: `Guest ${session}` }, ip)).status).toBe(201);
      }
      const refused = await startSession({ display_name: 'One too many' }, ip);
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ code: 'HEYYO_ERR_RATE_LIMITED' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await startSession({ display_name: 'Next door' }, '203.0.113.10')).status).toBe(201);
    });
  });

  it('finds the same demo app and general when it starts again', async () => {
    expect(await demoRows(sql)).toEqual({ apps: 1, channels: 1 });
    const { channel_id: channelId } = (await startSession({ display_name: 'Before' }, '198.51.100.3')).body;
    // A second start of the API over the same database: it prepares the demo again.
    const again = await buildHttpApp(ctx.config, createLogger({ level: 'silent', name: 'test' }), ctx.node.wiring);
    try {
      const session = await again.inject({ method: 'POST', url: '/demo/session', payload: { display_name: 'After' }, remoteAddress: '198.51.100.3' });
      expect(session.statusCode).toBe(201);
      expect(session.json().channel_id).toBe(channelId);
    } finally {
      await again.close();
    }
    expect(await demoRows(sql)).toEqual({ apps: 1, channels: 1 });
  });
});

describe('preparing the demo app and general (the bootstrap)', () => {
  const resources = fileResources('demo');
  const pools: DatabaseHandle[] = [];
  let sql: postgres.Sql;
  beforeAll(async () => {
    await resources.createDatabase();
    sql = postgres(resources.databaseUrl, { max: 1, onnotice: () => {} });
    // One pool per "node", each connected before the race starts.
    for (let node = 0; node < 4; node++) {
      const pool = createDb({ url: resources.databaseUrl, poolMax: 1, deadlineMs: 10_000 });
      await pool.sql`select 1`;
      pools.push(pool);
    }
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
    await sql?.end();
    await resources.release();
  });

  it('creates one demo app with one general, and every node finds them', async () => {
    for (let round = 0; round < 3; round++) {
      await sql`delete from apps where api_key = ${DEMO_APP_KEY}`;
      const spaces = await Promise.all(pools.map((pool) => prepareDemoSpace(createRepositories(pool.db))));
      expect(new Set(spaces.map((space) => JSON.stringify(space))).size).toBe(1);
      expect(await demoRows(sql)).toEqual({ apps: 1, channels: 1 });
      const [general] = await sql`select member_count, type from channels where id = ${spaces[0]!.channelId}`;
      expect(general).toEqual({ member_count: 1, type: 'messaging' });
    }
  });
  it("makes a new general if the demo's was deleted, never adopting a user's channel of that name", async () => {
    const repos = createRepositories(pools[0]!.db);
    const original = await prepareDemoSpace(repos);
    const [user] = await sql`insert into users (app_id, external_id) values (${original.appId}, 'demo-someone') returning id`;
    const [theirs] = await sql`
      insert into channels (app_id, name, type, created_by, member_count) values (${original.appId}, 'general', 'messaging', ${user!.id}, 0)
      returning id`;
    await sql`update channels set deleted_at = now() where id = ${original.channelId}`;
    const next = await prepareDemoSpace(repos);
    expect(next.appId).toBe(original.appId);
    expect([original.channelId, theirs!.id]).not.toContain(next.channelId);
    expect(await prepareDemoSpace(repos)).toEqual(next);
  });
});

describe('a node whose demo page is not built', () => {
  const ctx = useApiContext({ env: { HEYYO_DEMO: '1', HEYYO_DEMO_DIR: unbuiltDir } });

  it('answers GET / with 503 until index.html is there, then serves it without a restart', async () => {
    const get = () => ctx.app.inject('/');
    expect((await get()).statusCode).toBe(503);
    expect((await get()).json()).toEqual(NOT_BUILT);
    // The folder alone is not enough.
    mkdirSync(join(unbuiltDir, 'assets'), { recursive: true });
    writeFileSync(join(unbuiltDir, 'assets', 'app-1a2b3c.js'), ASSET);
    expect((await get()).json()).toEqual(NOT_BUILT);
    writeFileSync(join(unbuiltDir, 'index.html'), INDEX_HTML);
    const built = await get();
    expect(built.statusCode).toBe(200);
    expect(built.body).toBe(INDEX_HTML);
    expect((await ctx.app.inject('/assets/app-1a2b3c.js')).statusCode).toBe(200);
  });

  it('still opens demo sessions and serves the API', async () => {
    expect((await ctx.request('POST', '/demo/session', { body: { display_name: 'Early' } })).status).toBe(201);
    expect((await ctx.request('GET', '/health')).status).toBe(200);
  });
});

describe('a node with the demo off (the default outside development)', () => {
  const ctx = useApiContext();

  it('has no page, no assets and no session route: 404 JSON as before', async () => {
    expect(ctx.config.demo.enabled).toBe(false);
    expect((await ctx.request('GET', '/')).body).toEqual(ROUTE_NOT_FOUND('GET', '/'));
    expect((await ctx.request('GET', '/assets/app-1a2b3c.js')).status).toBe(404);
    expect((await ctx.request('POST', '/demo/session', { body: { display_name: 'Ann' } })).body).toEqual(
      ROUTE_NOT_FOUND('POST', '/demo/session'),
    );
    expect(await demoRows(ctx.sql)).toEqual({ apps: 0, channels: 0 });
    expect((await ctx.request('GET', '/openapi.json')).body.paths['/demo/session']).toBeUndefined();
  });
});

describe('production with HEYYO_DEMO=1', () => {
  const ctx = useApiContext({ env: { NODE_ENV: 'production', HEYYO_ADMIN_TOKEN: ADMIN_TOKEN, HEYYO_DEMO: '1', HEYYO_DEMO_DIR: pageDir } });

  it('serves the page, but has no demo app and no session route', async () => {
    const page = await ctx.app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(INDEX_HTML);
    expect((await ctx.request('POST', '/demo/session', { body: { display_name: 'Ann' } })).body).toEqual(
      ROUTE_NOT_FOUND('POST', '/demo/session'),
    );
    expect(await demoRows(ctx.sql)).toEqual({ apps: 0, channels: 0 });
    expect((await ctx.request('GET', '/api/apps', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).body).toEqual([]);
  });
});
