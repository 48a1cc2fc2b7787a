import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useApiContext, type TestUser } from '../support/api-context.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const MESSAGE_KEYS = [
  'attachments',
  'channel_id',
  'client_id',
  'created_at',
  'deleted_at',
  'edited_at',
  'id',
  'last_reply_at',
  'metadata',
  'parent_id',
  'pinned_at',
  'pinned_by',
  'reply_count',
  'seq',
  'text',
  'updated_at',
  'user',
  'user_id',
];

const LISTED_KEYS = [
  ...MESSAGE_KEYS.filter((key) => key !== 'user'),
  'reaction_counts',
  'reactions',
  'user_avatar_url',
  'user_display_name',
  'user_external_id',
].sort();

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

interface Listed {
  id: string;
  seq: number;
  text: string | null;
  created_at: string;
  [key: string]: unknown;
}

describe('messages', () => {
  const ctx = useApiContext();

  /** An app with a channel owned by `owner`, `others` as members, and an `outsider` of the same app. */
  async function room(otherMembers = 1) {
    const app = await ctx.newApp();
    const owner = await ctx.newUser(app, { display_name: 'Owner Name', avatar_url: 'https://example.com/owner.png' });
    const others: TestUser[] = [];
    for (let index = 0; index < otherMembers; index++) others.push(await ctx.newUser(app));
    const outsider = await ctx.newUser(app);
    const channel = await ctx.newChannel(owner, { members: others.map((user) => user.id) });
    return { app, owner, others, member: others[0]!, outsider, channel };
  }

  const messagesUrl = (channelId: string) => `/api/channels/${channelId}/messages`;
  const post = (user: TestUser, channelId: string, body: unknown) =>
    ctx.request('POST', messagesUrl(channelId), { token: user.token, body });
  const history = (user: TestUser, channelId: string, query = '') =>
    ctx.request<Listed[]>('GET', `${messagesUrl(channelId)}${query}`, { token: user.token });
  const remove = (user: TestUser, channelId: string, messageId: string) =>
    ctx.request('DELETE', `${messagesUrl(channelId)}/${messageId}`, { token: user.token });
  const react = (user: TestUser, channelId: string, messageId: string, body: unknown) =>
    ctx.request('POST', `${messagesUrl(channelId)}/${messageId}/reactions`, { token: user.token, body });
  const unreact = (user: TestUser, channelId: string, messageId: string, type: string) =>
    ctx.request('DELETE', `${messagesUrl(channelId)}/${messageId}/reactions/${encodeURIComponent(type)}`, {
      token: user.token,
    });

  /** Sends `count` messages in concurrent batches; returns them ordered by seq. */
  async function sendMany(users: TestUser[], channelId: string, count: number, batch = 15) {
    const sent: { id: string; seq: number; created_at: string }[] = [];
    for (let start = 0; start < count; start += batch) {
      const size = Math.min(batch, count - start);
      const results = await Promise.all(
        range(start, start + size - 1).map((index) =>
          ctx.send(users[index % users.length]!, channelId, { text: `message ${index}` }),
        ),
      );
      sent.push(...(results as { id: string; seq: number; created_at: string }[]));
    }
    return sent.sort((a, b) => a.seq - b.seq);
  }

  async function messageCount(user: TestUser, channelId: string): Promise<number> {
    const response = await ctx.request('GET', '/api/channels', { token: user.token });
    expect(response.status).toBe(200);
    const channel = response.body.find((item: { id: string }) => item.id === channelId);
    expect(channel).toBeDefined();
    return channel.message_count;
  }

  async function storedRows(channelId: string) {
    // This handle returns timestamps as Postgres text, with microseconds.
    return ctx.sql<{ id: string; seq: string; created_at: string; deleted_at: string | null; client_id: string | null }[]>`
      select id, seq, created_at, deleted_at, client_id from messages where channel_id = ${channelId} order by seq`;
  }

  const listedReactions = async (user: TestUser, channelId: string, messageId: string) => {
    const response = await history(user, channelId);
    const message = response.body.find((listed) => listed.id === messageId);
    expect(message).toBeDefined();
    return message as Listed & {
      reactions: { type: string; user_id: string; count: number }[];
      reaction_counts: Record<string, number>;
    };
  };
  /** Live reactions: a removed one stays as a tombstone row with removed_at set. */
  const reactionRows = (messageId: string) =>
    ctx.sql`select user_id, type, app_id from reactions
             where message_id = ${messageId} and removed_at is null order by user_id, type`;
  /** Every row, tombstones included: for proving that a refused request wrote nothing at all. */
  const anyReactionRows = (messageId: string) =>
    ctx.sql`select user_id, type, app_id from reactions where message_id = ${messageId} order by user_id, type`;

  describe('POST /api/channels/:id/messages', () => {
    it('returns 201 with the full message and its nested author', async () => {
      const { owner, channel } = await room();
      const response = await post(owner, channel.id, {
        text: 'Hello from REST',
        attachments: [{ type: 'image', url: 'https://example.com/a.png' }],
        metadata: { client_ref: 'abc' },
        client_id: 'client-1',
      });
      expect(response.status).toBe(201);
      expect(Object.keys(response.body).sort()).toEqual(MESSAGE_KEYS);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        channel_id: channel.id,
        user_id: owner.id,
        seq: 1,
        text: 'Hello from REST',
        attachments: [{ type: 'image', url: 'https://example.com/a.png' }],
        metadata: { client_ref: 'abc' },
        parent_id: null,
        client_id: 'client-1',
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
        deleted_at: null,
        edited_at: null,
        reply_count: 0,
        last_reply_at: null,
        pinned_at: null,
        pinned_by: null,
        user: { external_id: owner.externalId, display_name: 'Owner Name', avatar_url: 'https://example.com/owner.png' },
      });
      expect(response.body.updated_at).toBe(response.body.created_at);
      expect(response.headers['idempotent-replayed']).toBeUndefined();
      const [row] = await ctx.sql`select text, user_id, app_id, seq from messages where id = ${response.body.id}`;
      expect(row).toEqual({ text: 'Hello from REST', user_id: owner.id, app_id: owner.app.id, seq: '1' });
    });

    it('defaults attachments, metadata, parent_id and client_id and shows a user without a profile as nulls', async () => {
      const { member, channel } = await room();
      const response = await post(member, channel.id, { text: 'plain' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        text: 'plain',
        attachments: [],
        metadata: {},
        parent_id: null,
        client_id: null,
        deleted_at: null,
        edited_at: null,
        reply_count: 0,
        last_reply_at: null,
        pinned_at: null,
        pinned_by: null,
        user: { external_id: member.externalId, display_name: null, avatar_url: null },
      });
    });

    it.each([
      ['text omitted', {}],
      ['text null', { text: null }],
      ['text whitespace-only', { text: '   ' }],
    ])('accepts an attachments-only message (%s) and stores text as null', async (_label, extra) => {
      const { owner, channel } = await room();
      const attachments = [{ type: 'file', url: 'https://example.com/f.pdf', size: 12 }];
      const response = await post(owner, channel.id, { ...extra, attachments });
      expect(response.status).toBe(201);
      expect(response.body.text).toBeNull();
      expect(response.body.attachments).toEqual(attachments);
      const [row] = await ctx.sql`select text, attachments from messages where id = ${response.body.id}`;
      expect(row).toEqual({ text: null, attachments });
    });

    it('accepts a reply to a live message of the same channel', async () => {
      const { owner, member, channel } = await room();
      const parent = await ctx.send(owner, channel.id, { text: 'question' });
      const response = await post(member, channel.id, { text: 'answer', parent_id: parent.id });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ parent_id: parent.id, seq: 2, text: 'answer' });
      const listed = await history(owner, channel.id);
      expect(listed.body.map((message) => [message.seq, message.parent_id])).toEqual([
        [1, null],
        [2, parent.id],
      ]);
    });

    it('refuses a parent from another channel, an unknown, a malformed or a deleted parent with 404', async () => {
      const { owner, channel } = await room();
      const otherChannel = await ctx.newChannel(owner);
      const elsewhere = await ctx.send(owner, otherChannel.id, { text: 'in the other channel' });
      const deleted = await ctx.send(owner, channel.id, { text: 'soon gone' });
      expect((await remove(owner, channel.id, deleted.id)).status).toBe(200);

      for (const parentId of [elsewhere.id, randomUUID(), 'not-a-uuid', deleted.id]) {
        const response = await post(owner, channel.id, { text: 'reply', parent_id: parentId });
        expect(response.status, parentId).toBe(404);
        expect(response.body).toEqual({ error: 'Parent message not found', code: 'HEYYO_ERR_PARENT_NOT_FOUND' });
      }
      // None of the refused replies was stored or took a seq.
      expect((await storedRows(channel.id)).map((row) => row.id)).toEqual([deleted.id]);
      expect((await ctx.send(owner, channel.id)).seq).toBe(2);
    });

    it('accepts text of exactly 4000 characters, counting an emoji as one', async () => {
      const { owner, channel } = await room();
      const text = '😀'.repeat(4000);
      const response = await post(owner, channel.id, { text });
      expect(response.status).toBe(201);
      expect(response.body.text).toBe(text);
      const plain = await post(owner, channel.id, { text: 'a'.repeat(4000) });
      expect(plain.status).toBe(201);
    });

    it('accepts 10 attachments and metadata of exactly 8192 bytes', async () => {
      const { owner, channel } = await room();
      const attachments = range(1, 10).map((index) => ({ type: 'image', url: `https://example.com/${index}.png` }));
      const metadata = { blob: 'x'.repeat(8192 - '{"blob":""}'.length) };
      expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(8192);
      const response = await post(owner, channel.id, { text: 'limits', attachments, metadata });
      expect(response.status).toBe(201);
      expect(response.body.attachments).toHaveLength(10);
      expect(response.body.metadata).toEqual(metadata);
    });

    it.each([
      ['no text and no attachments', {}, 'Message must have text or attachments'],
      ['null text and empty attachments', { text: null, attachments: [] }, 'Message must have text or attachments'],
      ['whitespace-only text', { text: ' \n\t ' }, 'Message must have text or attachments'],
      ['text of 4001 characters', { text: 'a'.repeat(4001) }, 'text must be at most 4000 characters'],
      ['text of 4001 emoji', { text: '😀'.repeat(4001) }, 'text must be at most 4000 characters'],
      [
        '11 attachments',
        { text: 'x', attachments: range(1, 11).map(() => ({ type: 'image' })) },
        'attachments must have at most 10 items',
      ],
      ['an attachment that is a string', { text: 'x', attachments: ['image.png'] }, 'attachments.0 must be of type object'],
      ['attachments that is an object', { text: 'x', attachments: { type: 'image' } }, 'attachments must be of type array'],
      [
        'metadata over 8192 bytes',
        { text: 'x', metadata: { blob: 'x'.repeat(8192) } },
        'metadata must be at most 8192 bytes of JSON',
      ],
      ['text as a number', { text: 42 }, 'text must be of type string'],
      ['an unknown field', { text: 'x', colour: 'red' }, 'unknown field "colour"'],
      ['an empty client_id', { text: 'x', client_id: '' }, 'client_id must NOT have fewer than 1 characters'],
    ])('refuses %s with 400', async (_label, body, error) => {
      const { owner, channel } = await room();
      const response = await post(owner, channel.id, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
      expect(await storedRows(channel.id)).toEqual([]);
    });

    it('refuses a non-member with 403 and stores nothing', async () => {
      const { outsider, channel } = await room();
      const response = await post(outsider, channel.id, { text: 'let me in' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' });
      expect(await storedRows(channel.id)).toEqual([]);
    });

    it('answers 404 for an unknown or malformed channel id and for a channel of another app', async () => {
      const { owner } = await room();
      const foreign = await room();
      for (const channelId of [randomUUID(), 'not-a-uuid', foreign.channel.id]) {
        const response = await post(owner, channelId, { text: 'hello?' });
        expect(response.status, channelId).toBe(404);
        expect(response.body).toEqual({ error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
      }
      expect(await storedRows(foreign.channel.id)).toEqual([]);
    });

    it('requires authentication', async () => {
      const { channel } = await room();
      const response = await ctx.request('POST', messagesUrl(channel.id), { body: { text: 'anonymous' } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'Authentication required', code: 'HEYYO_ERR_AUTH_REQUIRED' });
    });
  });

  describe('seq', () => {
    it('counts 1, 2, 3 … per channel, independently in each channel', async () => {
      const { owner, member, channel } = await room();
      const second = await ctx.newChannel(owner, { members: [member.id] });
      const seqs: [string, number][] = [];
      for (const [user, channelId] of [
        [owner, channel.id],
        [member, second.id],
        [member, channel.id],
        [owner, channel.id],
        [owner, second.id],
      ] as const) {
        seqs.push([channelId, (await ctx.send(user, channelId)).seq]);
      }
      expect(seqs).toEqual([
        [channel.id, 1],
        [second.id, 1],
        [channel.id, 2],
        [channel.id, 3],
        [second.id, 2],
      ]);
    });

    it('gives 30 concurrent sends from 3 users seqs 1..30 with time order equal to seq order', async () => {
      const { owner, others, channel } = await room(2);
      const users = [owner, ...others];
      const responses = await Promise.all(
        range(1, 30).map((index) => post(users[index % 3]!, channel.id, { text: `concurrent ${index}` })),
      );
      expect(responses.map((response) => response.status)).toEqual(range(1, 30).map(() => 201));
      const bySeq = responses.map((response) => response.body).sort((a, b) => a.seq - b.seq);
      expect(bySeq.map((message) => message.seq)).toEqual(range(1, 30));
      expect(new Set(bySeq.map((message) => message.id)).size).toBe(30);

      // Stored: created_at strictly increases with seq (compared by Postgres, at full precision).
      const rows = await storedRows(channel.id);
      expect(rows.map((row) => Number(row.seq))).toEqual(range(1, 30));
      const [{ ordered }] = (await ctx.sql`
        select bool_and(created_at > previous) as ordered from (
          select created_at, lag(created_at) over (order by seq) as previous from messages where channel_id = ${channel.id}
        ) pairs where previous is not null`) as unknown as [{ ordered: boolean }];
      expect(ordered).toBe(true);

      // Listed in created_at order, that order is seq order.
      const listed = await history(owner, channel.id, '?limit=100');
      expect(listed.status).toBe(200);
      expect(listed.body.map((message) => message.seq)).toEqual(range(1, 30));
      const times = listed.body.map((message) => message.created_at);
      expect([...times].sort()).toEqual(times);

      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(30);
      const [stored] = await ctx.sql`
        select last_seq::int as last_seq, message_count::int as message_count from channels where id = ${channel.id}`;
      expect(stored).toEqual({ last_seq: 30, message_count: 30 });
    });
  });

  describe('idempotency (client_id)', () => {
    it('returns the original message with idempotent-replayed: true on a retry, storing one row', async () => {
      const { owner, channel } = await room();
      const first = await post(owner, channel.id, { text: 'once', client_id: 'retry-me' });
      const second = await post(owner, channel.id, { text: 'once', client_id: 'retry-me' });
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(second.status).toBe(201);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(second.body.seq).toBe(1);

      // A retry that differs in content still returns the original.
      const changed = await post(owner, channel.id, { text: 'different', client_id: 'retry-me' });
      expect(changed.status).toBe(201);
      expect(changed.headers['idempotent-replayed']).toBe('true');
      expect(changed.body).toEqual(first.body);

      expect(await storedRows(channel.id)).toHaveLength(1);
      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(1);
      expect((await ctx.send(owner, channel.id)).seq).toBe(2);
    });

    it('stores one row for 10 concurrent sends with one client_id and leaves no seq gap', async () => {
      const { owner, channel } = await room();
      await ctx.send(owner, channel.id, { text: 'before' });
      const responses = await Promise.all(
        range(1, 10).map(() => post(owner, channel.id, { text: 'racing', client_id: 'race' })),
      );
      expect(responses.map((response) => response.status)).toEqual(range(1, 10).map(() => 201));
      const ids = new Set(responses.map((response) => response.body.id));
      expect(ids.size).toBe(1);
      expect(responses.map((response) => response.body.seq)).toEqual(range(1, 10).map(() => 2));
      const fresh = responses.filter((response) => response.headers['idempotent-replayed'] === undefined);
      expect(fresh).toHaveLength(1);
      expect(
        responses.filter((response) => response.headers['idempotent-replayed'] === 'true'),
      ).toHaveLength(9);

      const rows = await ctx.sql`select id from messages where channel_id = ${channel.id} and client_id = 'race'`;
      expect(rows).toHaveLength(1);
      expect((await ctx.send(owner, channel.id, { text: 'after' })).seq).toBe(3);
      expect((await storedRows(channel.id)).map((row) => Number(row.seq))).toEqual([1, 2, 3]);
      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(3);
    });

    it('scopes client_id to the sender and the channel', async () => {
      const { owner, member, channel } = await room();
      const second = await ctx.newChannel(owner, { members: [member.id] });
      const mine = await post(owner, channel.id, { text: 'a', client_id: 'shared' });
      const theirs = await post(member, channel.id, { text: 'b', client_id: 'shared' });
      const elsewhere = await post(owner, second.id, { text: 'c', client_id: 'shared' });
      for (const response of [mine, theirs, elsewhere]) {
        expect(response.status).toBe(201);
        expect(response.headers['idempotent-replayed']).toBeUndefined();
      }
      expect(new Set([mine.body.id, theirs.body.id, elsewhere.body.id]).size).toBe(3);
      expect([mine.body.seq, theirs.body.seq, elsewhere.body.seq]).toEqual([1, 2, 1]);
      expect([theirs.body.user_id, elsewhere.body.channel_id]).toEqual([member.id, second.id]);
      const rows = await ctx.sql`select id from messages where client_id = 'shared' and app_id = ${owner.app.id}`;
      expect(rows).toHaveLength(3);
    });
  });

  describe('GET /api/channels/:id/messages', () => {
    it('lists messages with flattened author fields and aggregated reactions, without a nested user', async () => {
      const { owner, member, channel } = await room();
      const first = await ctx.send(owner, channel.id, { text: 'hi', metadata: { k: 'v' }, client_id: 'c-1' });
      const second = await ctx.send(member, channel.id, { text: 'hello', attachments: [{ type: 'image' }] });
      expect((await react(owner, channel.id, first.id, { type: ':heart:' })).status).toBe(200);
      expect((await react(member, channel.id, first.id, { type: ':heart:' })).status).toBe(200);
      expect((await react(member, channel.id, first.id, { type: ':+1:' })).status).toBe(200);
      await ctx.settled();

      const response = await history(member, channel.id);
      expect(response.status).toBe(200);
      expect(response.body).toHaveLength(2);
      for (const message of response.body) expect(Object.keys(message).sort()).toEqual(LISTED_KEYS);
      const [listedFirst, listedSecond] = response.body as [Listed, Listed];
      const byTypeAndUser = (a: { type: string; user_id: string }, b: { type: string; user_id: string }) =>
        `${a.type}/${a.user_id}`.localeCompare(`${b.type}/${b.user_id}`);
      expect({ ...listedFirst, reactions: (listedFirst.reactions as any[]).sort(byTypeAndUser) }).toEqual({
        id: first.id,
        channel_id: channel.id,
        user_id: owner.id,
        seq: 1,
        text: 'hi',
        attachments: [],
        metadata: { k: 'v' },
        parent_id: null,
        client_id: 'c-1',
        created_at: first.created_at,
        updated_at: first.updated_at,
        deleted_at: null,
        edited_at: null,
        reply_count: 0,
        last_reply_at: null,
        pinned_at: null,
        pinned_by: null,
        user_external_id: owner.externalId,
        user_display_name: 'Owner Name',
        user_avatar_url: 'https://example.com/owner.png',
        reactions: [
          { type: ':+1:', user_id: member.id, count: 1 },
          { type: ':heart:', user_id: owner.id, count: 1 },
          { type: ':heart:', user_id: member.id, count: 1 },
        ].sort(byTypeAndUser),
        reaction_counts: { ':heart:': 2, ':+1:': 1 },
      });
      expect(listedSecond).toEqual({
        id: second.id,
        channel_id: channel.id,
        user_id: member.id,
        seq: 2,
        text: 'hello',
        attachments: [{ type: 'image' }],
        metadata: {},
        parent_id: null,
        client_id: null,
        created_at: second.created_at,
        updated_at: second.updated_at,
        deleted_at: null,
        edited_at: null,
        reply_count: 0,
        last_reply_at: null,
        pinned_at: null,
        pinned_by: null,
        user_external_id: member.externalId,
        user_display_name: null,
        user_avatar_url: null,
        reactions: [],
        reaction_counts: {},
      });
    });

    it('returns the newest 50 by default, ascending', async () => {
      const { owner, member, channel } = await room();
      await sendMany([owner, member], channel.id, 55);
      const response = await history(owner, channel.id);
      expect(response.status).toBe(200);
      expect(response.body.map((message) => message.seq)).toEqual(range(6, 55));
    });

    it('honours limit=10 and caps limit=500 at 100', async () => {
      const { owner, member, channel } = await room();
      await sendMany([owner, member], channel.id, 105);
      const ten = await history(owner, channel.id, '?limit=10');
      expect(ten.status).toBe(200);
      expect(ten.body.map((message) => message.seq)).toEqual(range(96, 105));
      const capped = await history(owner, channel.id, '?limit=500');
      expect(capped.status).toBe(200);
      expect(capped.body.map((message) => message.seq)).toEqual(range(6, 105));
      const hundred = await history(owner, channel.id, '?limit=100');
      expect(hundred.body.map((message) => message.seq)).toEqual(range(6, 105));
      const one = await history(owner, channel.id, '?limit=1');
      expect(one.body.map((message) => message.seq)).toEqual([105]);
    });

    it.each([
      ['?limit=0', 'limit must be >= 1'],
      ['?limit=-1', 'limit must be >= 1'],
      ['?limit=abc', 'limit must be of type integer'],
      ['?limit=1.5', 'limit must be of type integer'],
      ['?before=not-a-date', 'before must be a valid date-time'],
      ['?offset=-1', 'offset must be >= 0'],
      ['?page=0', 'page must be >= 1'],
      ['?page=2&offset=10', 'Use either page or offset, not both'],
      ['?page=2&before=2026-01-01T00:00:00.000Z', 'Use either page (or offset) or a cursor (before, after_seq), not both'],
      ['?offset=5&after_seq=1', 'Use either page (or offset) or a cursor (before, after_seq), not both'],
      ['?cursor=10', 'unknown field "cursor"'],
    ])('refuses %s with 400', async (query, error) => {
      const { owner, channel } = await room();
      await ctx.send(owner, channel.id);
      const response = await history(owner, channel.id, query);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
    });

    it('returns, for before=<created_at of a message>, the newest older messages in ascending order', async () => {
      const { owner, member, channel } = await room();
      const sent: { id: string; seq: number; created_at: string }[] = [];
      for (let index = 0; index < 20; index++) {
        sent.push((await ctx.send(index % 2 ? member : owner, channel.id, { text: `m${index}` })) as any);
      }
      const pivot = sent[14]!; // seq 15
      expect(pivot.seq).toBe(15);
      const before = encodeURIComponent(pivot.created_at);

      const limited = await history(owner, channel.id, `?before=${before}&limit=5`);
      expect(limited.status).toBe(200);
      expect(limited.body.map((message) => message.seq)).toEqual(range(10, 14));

      const all = await history(owner, channel.id, `?before=${before}`);
      expect(all.body.map((message) => message.seq)).toEqual(range(1, 14));
      for (const message of all.body) expect(message.created_at < pivot.created_at).toBe(true);

      const beforeFirst = await history(owner, channel.id, `?before=${encodeURIComponent(sent[0]!.created_at)}`);
      expect(beforeFirst.status).toBe(200);
      expect(beforeFirst.body).toEqual([]);

      const future = await history(owner, channel.id, `?before=${encodeURIComponent('2999-01-01T00:00:00.000Z')}&limit=3`);
      expect(future.body.map((message) => message.seq)).toEqual([18, 19, 20]);
    });

    it('walks the whole history exactly once when paging backward with before=<first item created_at>', async () => {
      const { owner, others, channel } = await room(2);
      // Concurrent sends, as real clients produce them: several messages may share a millisecond.
      await sendMany([owner, ...others], channel.id, 105, 35);
      const seen: number[] = [];
      let query = '?limit=10';
      for (let pageNumber = 0; pageNumber < 20; pageNumber++) {
        const page = await history(owner, channel.id, query);
        expect(page.status).toBe(200);
        if (page.body.length === 0) break;
        const seqs = page.body.map((message) => message.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        seen.unshift(...seqs);
        query = `?limit=10&before=${encodeURIComponent(page.body[0]!.created_at)}`;
      }
      expect(seen).toEqual(range(1, 105));
    });

    it('does not list soft-deleted messages', async () => {
      const { owner, channel } = await room();
      const [one, two, three] = [
        await ctx.send(owner, channel.id, { text: 'one' }),
        await ctx.send(owner, channel.id, { text: 'two' }),
        await ctx.send(owner, channel.id, { text: 'three' }),
      ];
      expect((await remove(owner, channel.id, two.id)).status).toBe(200);
      const response = await history(owner, channel.id);
      expect(response.body.map((message) => message.id)).toEqual([one.id, three.id]);
      expect(response.body.map((message) => message.seq)).toEqual([1, 3]);
    });

    it('refuses a non-member with 403 and an unknown or malformed channel with 404', async () => {
      const { owner, outsider, channel } = await room();
      await ctx.send(owner, channel.id, { text: 'secret' });
      const forbidden = await history(outsider, channel.id);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' });
      for (const channelId of [randomUUID(), 'not-a-uuid']) {
        const missing = await history(owner, channelId);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
      }
    });
  });

  describe('DELETE /api/channels/:id/messages/:messageId', () => {
    const notFound = { error: 'Message not found or unauthorized', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' };

    it('soft-deletes the sender’s message and decrements message_count once', async () => {
      const { owner, channel } = await room();
      const kept = await ctx.send(owner, channel.id, { text: 'kept' });
      const doomed = await ctx.send(owner, channel.id, { text: 'doomed' });
      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(2);

      const response = await remove(owner, channel.id, doomed.id);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Message deleted' });

      const [row] = await ctx.sql<{ text: string; deleted: boolean; after_create: boolean }[]>`
        select text, deleted_at is not null as deleted, deleted_at >= created_at as after_create
          from messages where id = ${doomed.id}`;
      expect(row).toEqual({ text: 'doomed', deleted: true, after_create: true });
      const [keptRow] = await ctx.sql`select deleted_at from messages where id = ${kept.id}`;
      expect(keptRow!.deleted_at).toBeNull();
      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(1);

      const again = await remove(owner, channel.id, doomed.id);
      expect(again.status).toBe(404);
      expect(again.body).toEqual(notFound);
      // A refused delete enqueues nothing: settling proves the count stays.
      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(1);

      // Deleting does not free the seq.
      expect((await ctx.send(owner, channel.id)).seq).toBe(3);
    });

    it('answers 404 to another member, an unknown id, a malformed id, and the id under another channel', async () => {
      const { owner, member, channel } = await room();
      const otherChannel = await ctx.newChannel(owner, { members: [member.id] });
      const message = await ctx.send(owner, channel.id, { text: 'mine' });

      const attempts: [TestUser, string, string][] = [
        [member, channel.id, message.id],
        [owner, channel.id, randomUUID()],
        [owner, channel.id, 'not-a-uuid'],
        [owner, otherChannel.id, message.id],
      ];
      for (const [user, channelId, messageId] of attempts) {
        const response = await remove(user, channelId, messageId);
        expect(response.status, `${channelId}/${messageId}`).toBe(404);
        expect(response.body).toEqual(notFound);
      }
      const [row] = await ctx.sql`select deleted_at from messages where id = ${message.id}`;
      expect(row!.deleted_at).toBeNull();
      await ctx.settled();
      expect(await messageCount(owner, channel.id)).toBe(1);
      expect((await history(member, channel.id)).body.map((listed) => listed.id)).toEqual([message.id]);
    });
  });

  describe('POST /api/channels/:id/messages/:messageId/reactions', () => {
    it('adds a reaction and ignores the same user and type twice', async () => {
      const { owner, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await react(owner, channel.id, message.id, { type: ':thumbsup:' });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ message: 'Reaction added' });
      }
      await ctx.settled();
      expect(await reactionRows(message.id)).toEqual([{ user_id: owner.id, type: ':thumbsup:', app_id: owner.app.id }]);
      const listed = await listedReactions(owner, channel.id, message.id);
      expect(listed.reactions).toEqual([{ type: ':thumbsup:', user_id: owner.id, count: 1 }]);
      expect(listed.reaction_counts).toEqual({ ':thumbsup:': 1 });
    });

    it('counts two users reacting with :heart: as 2', async () => {
      const { owner, member, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      expect((await react(owner, channel.id, message.id, { type: ':heart:' })).status).toBe(200);
      expect((await react(member, channel.id, message.id, { type: ':heart:' })).status).toBe(200);
      await ctx.settled();
      const listed = await listedReactions(member, channel.id, message.id);
      expect(listed.reaction_counts).toEqual({ ':heart:': 2 });
      expect(listed.reactions).toHaveLength(2);
      expect(listed.reactions).toEqual(
        expect.arrayContaining([
          { type: ':heart:', user_id: owner.id, count: 1 },
          { type: ':heart:', user_id: member.id, count: 1 },
        ]),
      );
    });

    it('stores one row for 20 concurrent identical reactions', async () => {
      const { owner, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      const responses = await Promise.all(range(1, 20).map(() => react(owner, channel.id, message.id, { type: ':fire:' })));
      expect(responses.map((response) => response.status)).toEqual(range(1, 20).map(() => 200));
      await ctx.settled();
      expect(await reactionRows(message.id)).toHaveLength(1);
      expect((await listedReactions(owner, channel.id, message.id)).reaction_counts).toEqual({ ':fire:': 1 });
    });

    it('accepts a type of 64 characters', async () => {
      const { owner, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      const type = 'r'.repeat(64);
      expect((await react(owner, channel.id, message.id, { type })).status).toBe(200);
      await ctx.settled();
      expect((await listedReactions(owner, channel.id, message.id)).reaction_counts).toEqual({ [type]: 1 });
    });

    it('refuses a non-member with 403', async () => {
      const { owner, outsider, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      const response = await react(outsider, channel.id, message.id, { type: ':heart:' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' });
      // A refused request enqueues nothing: once the worker is idle, no row can still appear.
      await ctx.settled();
      expect(await anyReactionRows(message.id)).toEqual([]);
    });

    it('answers 404 for an unknown, malformed, deleted or other-channel message', async () => {
      const { owner, channel } = await room();
      const otherChannel = await ctx.newChannel(owner);
      const elsewhere = await ctx.send(owner, otherChannel.id);
      const deleted = await ctx.send(owner, channel.id);
      expect((await remove(owner, channel.id, deleted.id)).status).toBe(200);
      for (const messageId of [randomUUID(), 'not-a-uuid', deleted.id, elsewhere.id]) {
        const response = await react(owner, channel.id, messageId, { type: ':heart:' });
        expect(response.status, messageId).toBe(404);
        expect(response.body).toEqual({ error: 'Message not found', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' });
      }
      await ctx.settled();
      expect(await anyReactionRows(deleted.id)).toEqual([]);
      expect(await anyReactionRows(elsewhere.id)).toEqual([]);
    });

    it.each([
      ['a missing type', {}, 'type is required'],
      ['an empty type', { type: '' }, 'type must NOT have fewer than 1 characters'],
      ['a whitespace-only type', { type: '   ' }, 'type must not be empty'],
      ['a type of 65 characters', { type: 'r'.repeat(65) }, 'type must NOT have more than 64 characters'],
      ['a numeric type', { type: 5 }, 'type must be of type string'],
      ['an unknown field', { type: ':heart:', emoji: true }, 'unknown field "emoji"'],
    ])('refuses %s with 400', async (_label, body, error) => {
      const { owner, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      const response = await react(owner, channel.id, message.id, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
      await ctx.settled();
      expect(await anyReactionRows(message.id)).toEqual([]);
    });
  });

  describe('DELETE /api/channels/:id/messages/:messageId/reactions/:type', () => {
    const removed = { message: 'Reaction removed' };

    it('removes the caller’s reaction: gone from the listing and from reaction_counts once settled', async () => {
      const { owner, member, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      expect((await react(member, channel.id, message.id, { type: ':heart:' })).status).toBe(200);
      expect((await react(member, channel.id, message.id, { type: ':+1:' })).status).toBe(200);
      expect((await react(owner, channel.id, message.id, { type: ':+1:' })).status).toBe(200);
      await ctx.settled();
      expect((await listedReactions(owner, channel.id, message.id)).reaction_counts).toEqual({ ':heart:': 1, ':+1:': 2 });

      const response = await unreact(member, channel.id, message.id, ':heart:');
      expect(response.status).toBe(200);
      expect(response.body).toEqual(removed);
      await ctx.settled();

      const listed = await listedReactions(owner, channel.id, message.id);
      expect(listed.reactions).toEqual(
        expect.arrayContaining([
          { type: ':+1:', user_id: owner.id, count: 1 },
          { type: ':+1:', user_id: member.id, count: 1 },
        ]),
      );
      expect(listed.reactions).toHaveLength(2);
      expect(listed.reaction_counts).toEqual({ ':+1:': 2 });
      expect(listed.reaction_counts).not.toHaveProperty(':heart:');
      expect(await reactionRows(message.id)).toEqual(
        [
          { user_id: owner.id, type: ':+1:', app_id: owner.app.id },
          { user_id: member.id, type: ':+1:', app_id: owner.app.id },
        ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
      );
    });

    it('answers 200 for a reaction that does not exist and changes nothing', async () => {
      const { owner, member, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      expect((await react(owner, channel.id, message.id, { type: ':heart:' })).status).toBe(200);
      await ctx.settled();
      const before = await listedReactions(owner, channel.id, message.id);
      expect(before.reactions).toEqual([{ type: ':heart:', user_id: owner.id, count: 1 }]);
      expect(before.reaction_counts).toEqual({ ':heart:': 1 });

      // The member never reacted with :heart:; nobody reacted with :fire:.
      for (const [user, type] of [
        [member, ':heart:'],
        [owner, ':fire:'],
        [member, ':fire:'],
      ] as const) {
        const response = await unreact(user, channel.id, message.id, type);
        expect(response.status, type).toBe(200);
        expect(response.body).toEqual(removed);
      }
      await ctx.settled();

      const after = await listedReactions(owner, channel.id, message.id);
      expect(after.reactions).toEqual(before.reactions);
      expect(after.reaction_counts).toEqual(before.reaction_counts);
      expect(await reactionRows(message.id)).toEqual([{ user_id: owner.id, type: ':heart:', app_id: owner.app.id }]);
    });

    it('refuses a non-member with 403 and leaves the reactions as they were', async () => {
      const { owner, outsider, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      expect((await react(owner, channel.id, message.id, { type: ':heart:' })).status).toBe(200);
      await ctx.settled();

      const response = await unreact(outsider, channel.id, message.id, ':heart:');
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' });
      // A refused request enqueues nothing: once the worker is idle, nothing can still change.
      await ctx.settled();
      expect(await anyReactionRows(message.id)).toEqual([{ user_id: owner.id, type: ':heart:', app_id: owner.app.id }]);
      const listed = await listedReactions(owner, channel.id, message.id);
      expect(listed.reactions).toEqual([{ type: ':heart:', user_id: owner.id, count: 1 }]);
      expect(listed.reaction_counts).toEqual({ ':heart:': 1 });
    });

    it('answers 404 Message not found for an unknown, deleted or other-channel message', async () => {
      const { owner, channel } = await room();
      const otherChannel = await ctx.newChannel(owner);
      const elsewhere = await ctx.send(owner, otherChannel.id);
      const deleted = await ctx.send(owner, channel.id);
      expect((await remove(owner, channel.id, deleted.id)).status).toBe(200);
      for (const messageId of [randomUUID(), deleted.id, elsewhere.id]) {
        const response = await unreact(owner, channel.id, messageId, ':heart:');
        expect(response.status, messageId).toBe(404);
        expect(response.body).toEqual({ error: 'Message not found', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' });
      }
      await ctx.settled();
      expect(await anyReactionRows(deleted.id)).toEqual([]);
      expect(await anyReactionRows(elsewhere.id)).toEqual([]);
    });

    it('ends with the reaction present, counted once, after add → remove → add', async () => {
      const { owner, member, channel } = await room();
      const message = await ctx.send(owner, channel.id);
      const type = ':tada:';
      expect((await react(member, channel.id, message.id, { type })).status).toBe(200);
      expect((await unreact(member, channel.id, message.id, type)).status).toBe(200);
      expect((await react(member, channel.id, message.id, { type })).status).toBe(200);
      await ctx.settled();

      const listed = await listedReactions(owner, channel.id, message.id);
      expect(listed.reactions).toEqual([{ type, user_id: member.id, count: 1 }]);
      expect(listed.reaction_counts).toEqual({ [type]: 1 });
      expect(await reactionRows(message.id)).toEqual([{ user_id: member.id, type, app_id: owner.app.id }]);
    });
  });
});
