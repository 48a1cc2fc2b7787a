import { describe, expect, it } from 'vitest';
import { apiCredentials } from '../support/factories.ts';
import { useApiContext } from '../support/api-context.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('server-side users API (X-API-Key + X-API-Secret)', () => {
  const ctx = useApiContext();

  it('registers a user and returns the internal id that `members` takes', async () => {
    const app = await ctx.newApp();
    const response = await ctx.request('POST', '/api/users', {
      headers: apiCredentials(app),
      body: { user_id: 'user-1', display_name: 'Ann', avatar_url: 'https://example.com/ann.png' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: expect.stringMatching(UUID),
      external_id: 'user-1',
      display_name: 'Ann',
      avatar_url: 'https://example.com/ann.png',
      metadata: {},
      deactivated_at: null,
      erased_at: null,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });

    const owner = await ctx.newUser(app);
    const channel = await ctx.newChannel(owner, { members: [response.body.id] });
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: owner.token });
    expect(details.body.members.map((member: { external_id: string }) => member.external_id)).toContain('user-1');
  });

  it('is the same user a token is later minted for, and updates only the fields given', async () => {
    const app = await ctx.newApp();
    const registered = await ctx.request('POST', '/api/users', {
      headers: apiCredentials(app),
      body: { user_id: 'user-2', display_name: 'Bo' },
    });
    const user = await ctx.newUser(app, { externalId: 'user-2' });
    expect(user.id).toBe(registered.body.id);
    const updated = await ctx.request('POST', '/api/users', {
      headers: apiCredentials(app),
      body: { user_id: 'user-2', avatar_url: 'http://example.com/bo.png' },
    });
    expect(updated.body).toMatchObject({ display_name: 'Bo', avatar_url: 'http://example.com/bo.png' });
  });

  it('lists and gets only its own app users', async () => {
    const [a, b] = [await ctx.newApp(), await ctx.newApp()];
    const ann = await ctx.newUser(a, { externalId: 'ann' });
    await ctx.newUser(a, { externalId: 'ari' });
    const bob = await ctx.newUser(b, { externalId: 'bob' });

    const listed = await ctx.request('GET', '/api/users', { headers: apiCredentials(a) });
    expect(listed.status).toBe(200);
    expect(listed.body.map((user: { external_id: string }) => user.external_id)).toEqual(['ann', 'ari']);
    const paged = await ctx.request('GET', '/api/users?limit=1&offset=1', { headers: apiCredentials(a) });
    expect(paged.body.map((user: { external_id: string }) => user.external_id)).toEqual(['ari']);

    expect((await ctx.request('GET', `/api/users/${ann.id}`, { headers: apiCredentials(a) })).body.external_id).toBe('ann');
    for (const id of [bob.id, '00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      const response = await ctx.request('GET', `/api/users/${id}`, { headers: apiCredentials(a) });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'User not found', code: 'HEYYO_ERR_USER_NOT_FOUND' });
    }
  });

  it('requires both headers and the right secret', async () => {
    const [a, b] = [await ctx.newApp(), await ctx.newApp()];
    const missing = await ctx.request('GET', '/api/users', { headers: { 'x-api-key': a.api_key } });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'Authentication required', code: 'HEYYO_ERR_AUTH_REQUIRED' });
    const crossed = await ctx.request('GET', '/api/users', {
      headers: { 'x-api-key': a.api_key, 'x-api-secret': b.api_secret },
    });
    expect(crossed.status).toBe(401);
    expect(crossed.body).toEqual({ error: 'Invalid API credentials', code: 'HEYYO_ERR_INVALID_CREDENTIALS' });
    const user = await ctx.newUser(a);
    const withJwt = await ctx.request('GET', '/api/users', { token: user.token });
    expect(withJwt.status).toBe(401);
  });

  it.each([
    [{}, 'user_id is required'],
    [{ user_id: '' }, 'user_id must NOT have fewer than 1 characters'],
    [{ user_id: 'u', avatar_url: 'javascript:alert(1)' }, 'avatar_url must be a valid http-url'],
    [{ user_id: 'u', email: 'a@b.c' }, 'unknown field "email"'],
  ])('refuses %j with 400', async (body, error) => {
    const app = await ctx.newApp();
    const response = await ctx.request('POST', '/api/users', { headers: apiCredentials(app), body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
  });
});
