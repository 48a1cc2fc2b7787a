import { describe, expect, it } from 'vitest';
import { HeyyoServerClient } from '@heyyo/sdk';
import { apiCredentials, type ApiResponse, type TestApp } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';

/** Every list pages by limit+offset or by page, and says how long it is (X-Total-Count) and where its pages are (Link). */
describe('paging totals on every list', () => {
  const ctx = useNodeContext();
  const server = (app: TestApp) => ({ headers: apiCredentials(app) });

  /** The Link header as { rel: path }. */
  function links(response: ApiResponse): Record<string, string> {
    const header = String(response.headers['link'] ?? '');
    return Object.fromEntries([...header.matchAll(/<([^>]+)>; rel="([a-z]+)"/g)].map((match) => [match[2]!, match[1]!]));
  }

  /** Follows rel="next" from `path` to the end: each page's items, and the totals every page reported. */
  async function walk(path: string, options: { headers?: Record<string, string>; token?: string }) {
    const pages: string[][] = [];
    const totals = new Set<string>();
    for (let next: string | undefined = path; next !== undefined; ) {
      const response: ApiResponse = await ctx.request('GET', next, options);
      expect(response.status, next).toBe(200);
      pages.push(response.body.map((item: { id: string }) => item.id));
      totals.add(String(response.headers['x-total-count']));
      next = links(response).next;
    }
    return { pages, totals: [...totals] };
  }

  it('walks the users of an app by Link next, by page and by offset, each user once', async () => {
    const app = await ctx.newApp();
    for (let index = 0; index < 7; index++) await ctx.newUser(app, { externalId: `u${index}` });
    const all = (await ctx.request('GET', '/api/users', server(app))).body.map((user: { id: string }) => user.id);
    expect(all).toHaveLength(7);
    for (const start of ['/api/users?limit=3&page=1', '/api/users?limit=3&offset=0', '/api/users?limit=3']) {
      const { pages, totals } = await walk(start, server(app));
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(all);
      expect(totals).toEqual(['7']);
    }
    const second = await ctx.request('GET', '/api/users?limit=3&page=2', server(app));
    expect(links(second)).toEqual({
      first: '/api/users?limit=3&page=1',
      prev: '/api/users?limit=3&page=1',
      next: '/api/users?limit=3&page=3',
      last: '/api/users?limit=3&page=3',
    });
    const byOffset = await ctx.request('GET', '/api/users?offset=2&limit=3', server(app));
    expect(links(byOffset)).toEqual({
      first: '/api/users?limit=3&offset=0',
      prev: '/api/users?limit=3&offset=0',
      next: '/api/users?limit=3&offset=5',
      last: '/api/users?limit=3&offset=6',
    });
    const lastByOffset = await ctx.request('GET', '/api/users?offset=4&limit=3', server(app));
    expect(links(lastByOffset).next).toBeUndefined();
    const past = await ctx.request('GET', '/api/users?limit=3&page=9', server(app));
    expect(past.body).toEqual([]);
    expect(past.headers['x-total-count']).toBe('7');
    expect(links(past)).toMatchObject({ prev: '/api/users?limit=3&page=3', last: '/api/users?limit=3&page=3' });
    expect(links(past).next).toBeUndefined();
  });

  it('says an empty list is empty, with first and last on page 1', async () => {
    const app = await ctx.newApp();
    const response = await ctx.request('GET', '/api/channels?page=1', server(app));
    expect(response.body).toEqual([]);
    expect(response.headers['x-total-count']).toBe('0');
    expect(links(response)).toEqual({ first: '/api/channels?limit=100&page=1', last: '/api/channels?limit=100&page=1' });
  });

  it("keeps a list's filters in its links", async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    for (const name of ['alpha', 'beta', 'alpine', 'altitude']) await ctx.newChannel(ann, { name });
    const { pages, totals } = await walk('/api/channels?name_prefix=al&limit=2', server(app));
    expect(pages.map((page) => page.length)).toEqual([2, 1]);
    expect(totals).toEqual(['3']);
  });

  it("counts a user's channels, discover, the history, pins, replies and bans", async () => {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    await ctx.newChannel(bob);
    const sent = [];
    for (let index = 0; index < 5; index++) sent.push(await ctx.send(ann, channel.id, { text: `m${index}` }));
    await ctx.send(bob, channel.id, { text: 'reply', parent_id: sent[0]!.id });
    await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${sent[1]!.id}`, { token: ann.token });
    await ctx.request('POST', `/api/channels/${channel.id}/messages/${sent[2]!.id}/pin`, { token: ann.token });
    const outsider = await ctx.newUser(app);
    await ctx.request('POST', `/api/channels/${channel.id}/bans`, { token: ann.token, body: { user_id: outsider.id } });
    const total = async (path: string, token: string) => {
      const response = await ctx.request('GET', path, { token });
      expect(response.status, path).toBe(200);
      return [response.headers['x-total-count'], response.body.length];
    };
    expect(await total('/api/channels?limit=1', ann.token)).toEqual(['1', 1]);
    expect(await total('/api/channels/discover?limit=1', ann.token)).toEqual(['2', 1]);
    // Five sent, one reply, one deleted: five live messages.
    expect(await total(`/api/channels/${channel.id}/messages?limit=2`, ann.token)).toEqual(['5', 2]);
    expect(await total(`/api/channels/${channel.id}/messages/${sent[0]!.id}/replies`, ann.token)).toEqual(['1', 1]);
    expect(await total(`/api/channels/${channel.id}/pins`, ann.token)).toEqual(['1', 1]);
    expect(await total(`/api/channels/${channel.id}/bans`, ann.token)).toEqual(['1', 1]);
    expect(await total(`/api/channels/${channel.id}/mutes`, ann.token)).toEqual(['0', 0]);
  });

  it('numbers the pages of a history newest page first, each oldest first', async () => {
    const app = await ctx.newApp();
    const ann = await ctx.newUser(app);
    const channel = await ctx.newChannel(ann);
    for (let index = 1; index <= 7; index++) await ctx.send(ann, channel.id, { text: `m${index}` });
    const seqs = async (query: string) =>
      (await ctx.request('GET', `/api/channels/${channel.id}/messages${query}`, { token: ann.token })).body.map(
        (message: { seq: number }) => message.seq,
      );
    expect(await seqs('?limit=3&page=1')).toEqual([5, 6, 7]);
    expect(await seqs('?limit=3&page=2')).toEqual([2, 3, 4]);
    expect(await seqs('?limit=3&page=3')).toEqual([1]);
    expect(await seqs('?limit=3&offset=5')).toEqual([1, 2]);
  });

  it('refuses a page past the deepest offset', async () => {
    const app = await ctx.newApp();
    const response = await ctx.request('GET', '/api/users?limit=200&page=502', server(app));
    expect(response).toMatchObject({ status: 400, body: { code: 'HEYYO_ERR_VALIDATION' } });
  });

  it("gives the SDK's lists as { items, page, limit, total, totalPages }", async () => {
    const app = await ctx.newApp();
    const sdk = new HeyyoServerClient({ apiUrl: ctx.url, apiKey: app.api_key, apiSecret: app.api_secret });
    const ann = await ctx.newUser(app);
    for (let index = 0; index < 3; index++) await sdk.channels.create(`c${index}`, { createdBy: ann.id });
    expect(await sdk.channels.list({ limit: 2, page: 2 })).toMatchObject({ page: 2, limit: 2, total: 3, totalPages: 2, items: [{ name: 'c0' }] });
    const [newest] = (await sdk.channels.list({ limit: 1 })).items;
    await sdk.messages.send(newest!.id, ann.id, 'one');
    await sdk.messages.send(newest!.id, ann.id, 'two', { clientId: 'c-2' });
    expect((await sdk.messages.send(newest!.id, ann.id, 'two', { clientId: 'c-2' })).seq).toBe(2);
    const history = await sdk.messages.list(newest!.id, { limit: 1 });
    expect(history).toMatchObject({ page: 1, limit: 1, total: 2, totalPages: 2, items: [{ text: 'two' }] });
    expect(await sdk.users.list({ limit: 10 })).toMatchObject({ page: 1, limit: 10, total: 1, totalPages: 1 });
  });
});
