import { describe, expect, it } from 'vitest';
import { useApiContext } from '../support/api-context.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /api/apps and GET /api/apps without an admin token (local development)', () => {
  const ctx = useApiContext();

  it('creates an app and returns its credentials once', async () => {
    const response = await ctx.request('POST', '/api/apps', { body: { name: 'Acme Chat' } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Acme Chat',
      api_key: expect.stringMatching(/^cb_[A-Za-z0-9_-]{32}$/),
      api_secret: expect.stringMatching(/^cbs_[A-Za-z0-9_-]{43}$/),
      created_at: expect.stringMatching(ISO),
      message: 'Store your API secret securely. It will not be shown again.',
    });
  });

  it('stores only a hash of the secret', async () => {
    const created = await ctx.newApp('Hashed');
    const [row] = await ctx.sql`select * from apps where id = ${created.id}`;
    expect(JSON.stringify(row)).not.toContain(created.api_secret);
    expect(row!.api_secret_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('lists apps without secrets', async () => {
    const created = await ctx.newApp('Listed');
    const response = await ctx.request('GET', '/api/apps');
    expect(response.status).toBe(200);
    const listed = response.body.find((app: { id: string }) => app.id === created.id);
    expect(listed).toEqual({ id: created.id, name: 'Listed', api_key: created.api_key, created_at: expect.stringMatching(ISO) });
    expect(JSON.stringify(response.body)).not.toContain('api_secret');
  });

  it.each([
    [{}, 'name is required'],
    [{ name: '' }, 'name must NOT have fewer than 1 characters'],
    [{ name: '   ' }, 'name must not be empty'],
    [{ name: 42 }, 'name must be of type string'],
    [{ name: 'x', plan: 'pro' }, 'unknown field "plan"'],
  ])('refuses %j with 400', async (body, error) => {
    const response = await ctx.request('POST', '/api/apps', { body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
  });
});

describe('/api/apps with HEYYO_ADMIN_TOKEN set', () => {
  const adminToken = 'admin-token-for-tests-0123456789';
  const ctx = useApiContext({ env: { HEYYO_ADMIN_TOKEN: adminToken } });

  it('requires the admin token', async () => {
    for (const [method, body] of [['POST', { name: 'x' }], ['GET', undefined]] as const) {
      const missing = await ctx.request(method, '/api/apps', { body });
      expect(missing.status).toBe(401);
      expect(missing.body).toEqual({ error: 'Admin token required', code: 'HEYYO_ERR_AUTH_REQUIRED' });
      const wrong = await ctx.request(method, '/api/apps', { body, token: 'not-the-admin-token' });
      expect(wrong.status).toBe(403);
      expect(wrong.body).toEqual({ error: 'Invalid admin token', code: 'HEYYO_ERR_INVALID_ADMIN_TOKEN' });
    }
  });

  it('accepts the admin token', async () => {
    const created = await ctx.request('POST', '/api/apps', { body: { name: 'Guarded' }, token: adminToken });
    expect(created.status).toBe(201);
    const listed = await ctx.request('GET', '/api/apps', { token: adminToken });
    expect(listed.status).toBe(200);
    expect(listed.body.map((app: { id: string }) => app.id)).toContain(created.body.id);
  });

  it('does not accept a user JWT as the admin token', async () => {
    const user = await ctx.newUser();
    const response = await ctx.request('GET', '/api/apps', { token: user.token });
    expect(response.status).toBe(403);
  });
});
