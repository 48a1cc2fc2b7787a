/**
 * An API node serves a history page from memory while its channel's history version is the one
 * the page was rendered at, and every change to what a page shows bumps that version in the
 * statement that makes it. So after any history of changes — made through this node, or
 * straight through the repositories as another node or worker would — the page a member reads
 * equals the one Postgres renders at that moment.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDb, createRepositories, verifiedAppId, type DatabaseHandle, type HistoryPage, type Repositories } from '@heyyo/database';
import { useApiContext, type TestUser } from '../support/api-context.ts';

/** What the worker logs with an applied reaction (these tests apply them as it does). */
const LOGGED = { event: 'reaction.new', payload: {} };

type Via = 'api' | 'elsewhere';
type Op =
  | { kind: 'send'; by: number; via: Via }
  | { kind: 'reply'; by: number; pick: number; via: Via }
  | { kind: 'pin'; pick: number; pinned: boolean; via: Via }
  | { kind: 'delete'; pick: number; via: Via }
  | { kind: 'react'; by: number; pick: number; type: 'like' | 'love'; add: boolean; via: Via }
  | { kind: 'profile'; by: number; name: string; via: Via }
  | { kind: 'read'; by: number; window: 'newest' | 'before' | 'after'; limit: number; pick: number };

const MEMBERS = 2;
const via = fc.constantFrom<Via>('api', 'elsewhere');
const member = fc.nat({ max: MEMBERS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), by: member, via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reply' as const), by: member, pick: fc.nat(), via }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pin' as const), pick: fc.nat(), pinned: fc.boolean(), via }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(), via }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('react' as const), by: member, pick: fc.nat(), type: fc.constantFrom('like' as const, 'love' as const), add: fc.boolean(), via }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('profile' as const), by: member, name: fc.constantFrom('Ada', 'Grace', 'Edsger'), via }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('read' as const), by: member, window: fc.constantFrom('newest' as const, 'before' as const, 'after' as const), limit: fc.integer({ min: 1, max: 4 }), pick: fc.nat() }),
  },
);

describe('history page cache', () => {
  const ctx = useApiContext();

  /** heyyo_history_cache_requests_total{outcome} on this node. */
  const lookups = async (outcome: 'hit' | 'miss') => {
    const text = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((candidate) => candidate.startsWith(`heyyo_history_cache_requests_total{outcome="${outcome}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  const read = async (user: TestUser, channelId: string, query = '') => {
    const response = await ctx.request('GET', `/api/channels/${channelId}/messages${query}`, { token: user.token });
    expect(response.status).toBe(200);
    return response.body as Record<string, unknown>[];
  };

  /** The page as Postgres renders it now, past every cache. */
  const renderedNow = async (user: TestUser, channelId: string, page: HistoryPage) =>
    JSON.parse((await ctx.repos.messages.renderHistoryPage(verifiedAppId(user.app.id), channelId, page)).json);

  it('serves a page asked for again from memory, as it was', async () => {
    const owner = await ctx.newUser();
    const channel = await ctx.newChannel(owner);
    await ctx.send(owner, channel.id, { text: 'one' });
    const [hits, misses] = [await lookups('hit'), await lookups('miss')];
    const first = await read(owner, channel.id, '?limit=10');
    const second = await read(owner, channel.id, '?limit=10');
    expect(second).toEqual(first);
    expect(first.map((message) => message.text)).toEqual(['one']);
    expect(await lookups('miss')).toBe(misses + 1);
    expect(await lookups('hit')).toBe(hits + 1);
  });

  it('answers a cached channel to its members only, and to no other app', async () => {
    const owner = await ctx.newUser();
    const channel = await ctx.newChannel(owner);
    await ctx.send(owner, channel.id);
    await read(owner, channel.id);
    const outsider = await ctx.newUser(owner.app);
    const otherApp = await ctx.newUser();
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: outsider.token })).status).toBe(403);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: otherApp.token })).status).toBe(404);
  });

  it(
    'equals what Postgres renders now after any history of sends, replies, pins, deletes, reactions and profile changes, here or elsewhere (property)',
    { timeout: 180_000 },
    async () => {
      // Another node's (or the worker's) writes: the same statements over a pool of its own.
      const elsewhereDb: DatabaseHandle = createDb({ url: ctx.config.database.url, poolMax: 2, deadlineMs: ctx.config.database.deadlineMs });
      const elsewhere: Repositories = createRepositories(elsewhereDb.db);
      let version = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
            const owner = await ctx.newUser();
            const members = [owner, ...(await Promise.all(Array.from({ length: MEMBERS - 1 }, () => ctx.newUser(owner.app))))];
            const appId = verifiedAppId(owner.app.id);
            const channel = await ctx.newChannel(owner, { members: members.slice(1).map((user) => user.id) });
            // `root`: the message that starts its thread (itself, unless it is a reply).
            const sent: { id: string; root: string; by: number; seq: number; createdAt: string }[] = [];
            const pickMessage = (pick: number) => sent[pick % sent.length];
            // Read after every step, so each is cached from the step before: a change that left
            // the version alone would be served stale here.
            const expectCurrent = async () => {
              expect(await read(owner, channel.id, '?limit=100')).toEqual(await renderedNow(owner, channel.id, { limit: 100 }));
              const catchUp = await read(owner, channel.id, '?limit=100&after_seq=0');
              expect(catchUp).toEqual(await renderedNow(owner, channel.id, { limit: 100, afterSeq: 0 }));
            };

            for (const op of ops) {
              if (op.kind === 'send' || (op.kind === 'reply' && sent.length > 0)) {
                const user = members[op.by]!;
                const text = `m${sent.length}`;
                const parentId = op.kind === 'reply' ? pickMessage(op.pick)!.root : null;
                if (op.via === 'api') {
                  const response = await ctx.request('POST', `/api/channels/${channel.id}/messages`, {
                    token: user.token,
                    body: { text, parent_id: parentId },
                  });
                  // 404: a reply to a deleted message.
                  expect([201, 404]).toContain(response.status);
                  const message = response.body;
                  if (response.status === 201) sent.push({ id: message.id, root: parentId ?? message.id, by: op.by, seq: message.seq, createdAt: message.created_at });
                } else {
                  const newMessage = { text, attachments: [], metadata: {}, parentId, clientId: null };
                  const { message } = (await elsewhere.messages.insert(appId, channel.id, user.id, newMessage))!;
                  sent.push({ id: message.id, root: parentId ?? message.id, by: op.by, seq: message.seq, createdAt: message.createdAt.toISOString() });
                }
              } else if (op.kind === 'pin' && sent.length > 0) {
                const target = pickMessage(op.pick)!;
                if (op.via === 'api') {
                  const response = await ctx.request(op.pinned ? 'POST' : 'DELETE', `/api/channels/${channel.id}/messages/${target.id}/pin`, { token: owner.token });
                  expect([200, 404]).toContain(response.status);
                } else {
                  await elsewhere.messages.setPinned(appId, channel.id, target.id, op.pinned ? owner.id : null);
                }
              } else if (op.kind === 'delete' && sent.length > 0) {
                const target = pickMessage(op.pick)!;
                const author = members[target.by]!;
                if (op.via === 'api') {
                  const response = await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${target.id}`, { token: author.token });
                  expect([200, 404]).toContain(response.status);
                } else {
                  await elsewhere.messages.softDelete(appId, channel.id, target.id, author.id);
                }
              } else if (op.kind === 'react' && sent.length > 0) {
                const target = pickMessage(op.pick)!;
                const user = members[op.by]!;
                if (op.via === 'api') {
                  const path = `/api/channels/${channel.id}/messages/${target.id}/reactions`;
                  const response = op.add
                    ? await ctx.request('POST', path, { token: user.token, body: { type: op.type } })
                    : await ctx.request('DELETE', `${path}/${op.type}`, { token: user.token });
                  expect([200, 404]).toContain(response.status);
                  await ctx.settled();
                } else {
                  await elsewhere.reactions.apply(appId, { messageId: target.id, userId: user.id, type: op.type, present: op.add, version: Date.now() * 1000 + version++ }, LOGGED);
                  // Between a reaction and its recount, pages show the one and not yet the other.
                  await expectCurrent();
                  await elsewhere.counters.recountMessageReactions(target.id);
                }
              } else if (op.kind === 'profile') {
                const user = members[op.by]!;
                if (op.via === 'api') {
                  const response = await ctx.request('POST', '/api/auth/token', {
                    body: { api_key: owner.app.api_key, api_secret: owner.app.api_secret, user_id: user.externalId, display_name: op.name },
                  });
                  expect(response.status).toBe(200);
                } else {
                  await elsewhere.users.upsert(appId, { externalId: user.externalId, displayName: op.name });
                }
              } else if (op.kind === 'read') {
                const reader = members[op.by]!;
                const target = sent.length > 0 ? pickMessage(op.pick)! : undefined;
                const [page, query]: [HistoryPage, string] =
                  op.window === 'after'
                    ? [{ limit: op.limit, afterSeq: target ? target.seq - 1 : 0 }, `?limit=${op.limit}&after_seq=${target ? target.seq - 1 : 0}`]
                    : op.window === 'before' && target
                      ? [{ limit: op.limit, before: new Date(target.createdAt) }, `?limit=${op.limit}&before=${encodeURIComponent(target.createdAt)}`]
                      : [{ limit: op.limit }, `?limit=${op.limit}`];
                // Twice: the second read is the one a warm cache answers.
                await read(reader, channel.id, query);
                expect(await read(reader, channel.id, query)).toEqual(await renderedNow(reader, channel.id, page));
              }
              await expectCurrent();
            }
          }),
          { numRuns: 25 },
        );
      } finally {
        await elsewhereDb.close();
      }
    },
  );
});
