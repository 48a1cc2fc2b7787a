import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useApiContext, type TestUser } from '../support/api-context.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const CHANNEL_NOT_FOUND = { error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' };
const USER_NOT_FOUND = { error: 'User not found', code: 'HEYYO_ERR_USER_NOT_FOUND' };
const NOT_MEMBER = { error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' };

interface ListItem {
  id: string;
  role: string;
  member_count: number;
  message_count: number;
  last_message_at: string | null;
  last_read_seq: number;
  unread_count: number;
  last_seq: number;
}

describe('channels API', () => {
  const ctx = useApiContext();

  /** Rows of the tables a channel create writes, for one app. */
  async function storedCounts(appId: string) {
    const [row] = await ctx.sql`
      select (select count(*)::int from channels where app_id = ${appId}) as channels,
             (select count(*)::int from channel_members where app_id = ${appId}) as members`;
    return row as unknown as { channels: number; members: number };
  }

  async function memberRows(channelId: string) {
    const rows = await ctx.sql`
      select user_id, role from channel_members where channel_id = ${channelId} order by user_id`;
    return rows.map((row) => ({ user_id: row.user_id as string, role: row.role as string }));
  }

  async function listMine(user: TestUser, query = ''): Promise<ListItem[]> {
    const response = await ctx.request('GET', `/api/channels${query}`, { token: user.token });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function details(user: TestUser, channelId: string) {
    const response = await ctx.request('GET', `/api/channels/${channelId}`, { token: user.token });
    expect(response.status).toBe(200);
    return response.body;
  }

  describe('POST /api/channels', () => {
    it('creates a channel with exactly the contract fields and defaults', async () => {
      const owner = await ctx.newUser();
      const response = await ctx.request('POST', '/api/channels', { token: owner.token, body: { name: 'general' } });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        app_id: owner.app.id,
        type: 'messaging',
        name: 'general',
        description: null,
        metadata: {},
        created_by: owner.id,
        slow_mode_seconds: 0,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      });
      expect(await memberRows(response.body.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
      const [stored] = await ctx.sql`select * from channels where id = ${response.body.id}`;
      expect(stored!.member_count).toBe(1);
      expect(stored!.app_id).toBe(owner.app.id);
    });

    it('stores type, description, metadata and trims the name', async () => {
      const owner = await ctx.newUser();
      const metadata = { team: 'all', nested: { level: 2, tags: ['a', 'b'] }, flag: true };
      const response = await ctx.request('POST', '/api/channels', {
        token: owner.token,
        body: { name: '  announcements  ', type: 'live_stream-2', description: 'Company-wide chat', metadata },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID),
        app_id: owner.app.id,
        type: 'live_stream-2',
        name: 'announcements',
        description: 'Company-wide chat',
        metadata,
        created_by: owner.id,
        slow_mode_seconds: 0,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      });
      const [stored] = await ctx.sql`select name, type, description, metadata from channels where id = ${response.body.id}`;
      expect(stored).toEqual({ name: 'announcements', type: 'live_stream-2', description: 'Company-wide chat', metadata });
    });

    it('adds the listed users as members and the creator as owner, tolerating duplicates and the creator', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const bob = await ctx.newUser(owner.app);
      const outsider = await ctx.newUser(owner.app);
      const response = await ctx.request('POST', '/api/channels', {
        token: owner.token,
        body: { name: 'team', members: [alice.id, bob.id, alice.id, owner.id, bob.id] },
      });
      expect(response.status).toBe(201);
      const channelId: string = response.body.id;

      const expected = [
        { user_id: owner.id, role: 'owner' },
        { user_id: alice.id, role: 'member' },
        { user_id: bob.id, role: 'member' },
      ].sort((a, b) => a.user_id.localeCompare(b.user_id));
      expect(await memberRows(channelId)).toEqual(expected);

      const [stored] = await ctx.sql`select member_count from channels where id = ${channelId}`;
      expect(stored!.member_count).toBe(3);

      for (const [user, role] of [[owner, 'owner'], [alice, 'member'], [bob, 'member']] as const) {
        const item = (await listMine(user)).find((channel) => channel.id === channelId);
        expect(item?.role).toBe(role);
        expect(item?.member_count).toBe(3);
      }
      expect((await listMine(outsider)).map((channel) => channel.id)).not.toContain(channelId);
    });

    it('accepts member UUIDs in upper case, as every other endpoint does', async () => {
      // UUIDs are case-insensitive (RFC 4122); GET /api/channels/:id and POST …/members accept either case.
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const response = await ctx.request('POST', '/api/channels', {
        token: owner.token,
        body: { name: 'cased', members: [alice.id.toUpperCase(), alice.id, owner.id.toUpperCase()] },
      });
      expect(response.status).toBe(201);
      expect(await memberRows(response.body.id)).toEqual(
        [
          { user_id: owner.id, role: 'owner' },
          { user_id: alice.id, role: 'member' },
        ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
      );
      expect((await details(owner, response.body.id)).member_count).toBe(2);
    });

    it.each([
      ['a user of another app', 'other-app'],
      ['an unknown UUID', 'unknown'],
      ['a non-UUID string', 'not-a-uuid'],
    ])('refuses %s in members with 404 and writes nothing', async (_label, kind) => {
      const owner = await ctx.newUser();
      const colleague = await ctx.newUser(owner.app);
      const stranger = await ctx.newUser();
      const badId = kind === 'other-app' ? stranger.id : kind === 'unknown' ? randomUUID() : 'not-a-uuid';
      const name = `half-written-${randomUUID()}`;
      const before = await storedCounts(owner.app.id);

      const response = await ctx.request('POST', '/api/channels', {
        token: owner.token,
        body: { name, members: [colleague.id, badId] },
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(USER_NOT_FOUND);

      expect(await ctx.sql`select id from channels where name = ${name}`).toHaveLength(0);
      expect(await storedCounts(owner.app.id)).toEqual(before);
      expect(await storedCounts(stranger.app.id)).toEqual({ channels: 0, members: 0 });
      expect(await listMine(owner)).toEqual([]);
      expect(await listMine(colleague)).toEqual([]);
    });

    it.each([
      ['missing name', {}, 'name is required'],
      ['empty name', { name: '' }, 'name must NOT have fewer than 1 characters'],
      ['blank name', { name: '   \t ' }, 'name must not be empty'],
      ['name longer than 200 characters', { name: 'x'.repeat(201) }, 'name must NOT have more than 200 characters'],
      ['name of the wrong type', { name: 42 }, 'name must be of type string'],
      ['type with a space', { name: 'c', type: 'two words' }, 'type must match pattern "^[A-Za-z0-9_-]{1,32}$"'],
      ['type longer than 32 characters', { name: 'c', type: 't'.repeat(33) }, 'type must match pattern "^[A-Za-z0-9_-]{1,32}$"'],
      ['empty type', { name: 'c', type: '' }, 'type must match pattern "^[A-Za-z0-9_-]{1,32}$"'],
      ['metadata that is a string', { name: 'c', metadata: 'team' }, 'metadata must be of type object'],
      ['metadata that is an array', { name: 'c', metadata: ['team'] }, 'metadata must be of type object'],
      ['metadata that is null', { name: 'c', metadata: null }, 'metadata must be of type object'],
      [
        'metadata larger than 8192 bytes of JSON',
        { name: 'c', metadata: { blob: 'x'.repeat(8192) } },
        'metadata must be at most 8192 bytes of JSON',
      ],
      ['description longer than 2000 characters', { name: 'c', description: 'd'.repeat(2001) }, 'description must NOT have more than 2000 characters'],
      ['members that is not an array', { name: 'c', members: 'abc' }, 'members must be of type array'],
      ['unknown field', { name: 'c', topic: 'x' }, 'unknown field "topic"'],
    ])('refuses %s with 400', async (_label, body, error) => {
      const owner = await ctx.newUser();
      const response = await ctx.request('POST', '/api/channels', { token: owner.token, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
      expect(await storedCounts(owner.app.id)).toEqual({ channels: 0, members: 0 });
    });

    it('accepts metadata of exactly 8192 bytes of JSON', async () => {
      const owner = await ctx.newUser();
      // {"blob":"…"} is 11 bytes of framing.
      const metadata = { blob: 'x'.repeat(8192 - 11) };
      expect(Buffer.byteLength(JSON.stringify(metadata))).toBe(8192);
      const response = await ctx.request('POST', '/api/channels', { token: owner.token, body: { name: 'c', metadata } });
      expect(response.status).toBe(201);
      expect(response.body.metadata).toEqual(metadata);
    });

    it('refuses more than 100 members with 400 and accepts exactly 100', async () => {
      const owner = await ctx.newUser();
      const tooMany = Array.from({ length: 101 }, () => randomUUID());
      const refused = await ctx.request('POST', '/api/channels', { token: owner.token, body: { name: 'big', members: tooMany } });
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ error: 'members must NOT have more than 100 items', code: 'HEYYO_ERR_VALIDATION' });

      // 100 entries (duplicates of real users) pass validation and membership checks.
      const users = await Promise.all(Array.from({ length: 4 }, () => ctx.newUser(owner.app)));
      const hundred = Array.from({ length: 100 }, (_, index) => users[index % users.length]!.id);
      const accepted = await ctx.request('POST', '/api/channels', { token: owner.token, body: { name: 'big', members: hundred } });
      expect(accepted.status).toBe(201);
      expect(await memberRows(accepted.body.id)).toHaveLength(5);
    });

    it('requires a user token', async () => {
      const response = await ctx.request('POST', '/api/channels', { body: { name: 'anon' } });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'Authentication required', code: 'HEYYO_ERR_AUTH_REQUIRED' });
    });
  });

  describe('GET /api/channels', () => {
    it('lists only the caller’s channels with exact fields and numeric counts', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const bob = await ctx.newUser(owner.app);
      const created = await ctx.newChannel(owner, {
        name: 'mine',
        description: 'desc',
        metadata: { k: 'v' },
        members: [alice.id],
      });
      await ctx.newChannel(bob, { name: 'not-mine' });
      const foreign = await ctx.newUser();
      await ctx.newChannel(foreign, { name: 'other-app' });

      const list = await listMine(owner);
      expect(list).toEqual([
        {
          id: created.id,
          name: 'mine',
          type: 'messaging',
          description: 'desc',
          metadata: { k: 'v' },
          role: 'owner',
          member_count: 2,
          message_count: 0,
          last_message_at: null,
          last_read_seq: 0,
          unread_count: 0,
          last_seq: 0,
          slow_mode_seconds: 0,
          created_at: created.created_at,
          updated_at: created.updated_at,
        },
      ]);
      expect((await listMine(alice)).map((channel) => [channel.id, channel.role])).toEqual([[created.id, 'member']]);
    });

    it('keeps member_count and message_count exact numbers as members join and messages come and go', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const bob = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);
      const item = async () => (await listMine(owner)).find((entry) => entry.id === channel.id)!;

      expect(await item()).toMatchObject({ member_count: 1, message_count: 0, last_message_at: null });

      expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: alice.token })).status).toBe(200);
      const added = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: bob.id },
      });
      expect(added.status).toBe(200);

      const first = await ctx.send(owner, channel.id, { text: 'one' });
      await ctx.send(alice, channel.id, { text: 'two' });
      const last = await ctx.send(bob, channel.id, { text: 'three' });

      const afterSends = await item();
      expect(typeof afterSends.member_count).toBe('number');
      expect(typeof afterSends.message_count).toBe('number');
      expect(afterSends).toMatchObject({ member_count: 3, message_count: 3, last_message_at: last.created_at });

      const deleted = await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${first.id}`, { token: owner.token });
      expect(deleted.status).toBe(200);
      const afterDelete = await item();
      expect(afterDelete.member_count).toBe(3);
      expect(afterDelete.message_count).toBe(2);

      // Every member sees the same counts.
      for (const user of [alice, bob]) {
        const seen = (await listMine(user)).find((entry) => entry.id === channel.id)!;
        expect(seen).toMatchObject({ role: 'member', member_count: 3, message_count: 2 });
      }
      const [stored] = await ctx.sql`select member_count, message_count from channels where id = ${channel.id}`;
      expect(Number(stored!.member_count)).toBe(3);
      expect(Number(stored!.message_count)).toBe(2);
    });

    it('orders channels by most recent activity', async () => {
      const owner = await ctx.newUser();
      const a = await ctx.newChannel(owner, { name: 'a' });
      const b = await ctx.newChannel(owner, { name: 'b' });
      const c = await ctx.newChannel(owner, { name: 'c' });
      const ids = async () => (await listMine(owner)).map((channel) => channel.id);

      // No messages yet: newest channel first.
      expect(await ids()).toEqual([c.id, b.id, a.id]);
      await ctx.send(owner, a.id);
      expect(await ids()).toEqual([a.id, c.id, b.id]);
      await ctx.send(owner, b.id);
      expect(await ids()).toEqual([b.id, a.id, c.id]);
      await ctx.send(owner, a.id);
      expect(await ids()).toEqual([a.id, b.id, c.id]);
      // A channel created after the last message counts as newer activity.
      const d = await ctx.newChannel(owner, { name: 'd' });
      expect(await ids()).toEqual([d.id, a.id, b.id, c.id]);
    });

    it('pages with limit and offset', async () => {
      const owner = await ctx.newUser();
      const channels = [];
      for (let index = 0; index < 5; index++) channels.push(await ctx.newChannel(owner, { name: `p${index}` }));
      const all = (await listMine(owner)).map((channel) => channel.id);
      expect(all).toEqual(channels.map((channel) => channel.id).reverse());

      expect((await listMine(owner, '?limit=2')).map((channel) => channel.id)).toEqual(all.slice(0, 2));
      expect((await listMine(owner, '?limit=2&offset=2')).map((channel) => channel.id)).toEqual(all.slice(2, 4));
      expect((await listMine(owner, '?limit=2&offset=4')).map((channel) => channel.id)).toEqual(all.slice(4));
      expect((await listMine(owner, '?offset=3')).map((channel) => channel.id)).toEqual(all.slice(3));
      expect(await listMine(owner, '?offset=5')).toEqual([]);
      expect(await listMine(owner, '?limit=200')).toHaveLength(5);
    });

    it.each([
      ['limit=0', 'limit must be >= 1'],
      ['limit=201', 'limit must be <= 200'],
      ['offset=-1', 'offset must be >= 0'],
      ['limit=abc', 'limit must be of type integer'],
      ['limit=1.5', 'limit must be of type integer'],
    ])('refuses ?%s with 400', async (query, error) => {
      const owner = await ctx.newUser();
      const response = await ctx.request('GET', `/api/channels?${query}`, { token: owner.token });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
    });
  });

  describe('GET /api/channels/discover', () => {
    it('lists every channel of the caller’s app, newest first, with is_member', async () => {
      const me = await ctx.newUser();
      const colleague = await ctx.newUser(me.app);
      const stranger = await ctx.newUser();

      const mine = await ctx.newChannel(me, { name: 'mine', description: 'd1', type: 'team' });
      const theirs = await ctx.newChannel(colleague, { name: 'theirs' });
      const shared = await ctx.newChannel(colleague, { name: 'shared', members: [me.id] });
      const foreign = await ctx.newChannel(stranger, { name: 'foreign' });

      const response = await ctx.request('GET', '/api/channels/discover', { token: me.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual([
        {
          id: shared.id,
          name: 'shared',
          type: 'messaging',
          description: null,
          member_count: 2,
          is_member: true,
          created_at: shared.created_at,
        },
        {
          id: theirs.id,
          name: 'theirs',
          type: 'messaging',
          description: null,
          member_count: 1,
          is_member: false,
          created_at: theirs.created_at,
        },
        {
          id: mine.id,
          name: 'mine',
          type: 'team',
          description: 'd1',
          member_count: 1,
          is_member: true,
          created_at: mine.created_at,
        },
      ]);
      expect(JSON.stringify(response.body)).not.toContain(foreign.id);

      // The same channels from the colleague's side.
      const seen = await ctx.request('GET', '/api/channels/discover', { token: colleague.token });
      expect(seen.body.map((channel: { id: string; is_member: boolean }) => [channel.id, channel.is_member])).toEqual([
        [shared.id, true],
        [theirs.id, true],
        [mine.id, false],
      ]);

      // Joining flips is_member and bumps member_count.
      expect((await ctx.request('POST', `/api/channels/${theirs.id}/join`, { token: me.token })).status).toBe(200);
      const after = await ctx.request('GET', '/api/channels/discover', { token: me.token });
      expect(after.body.find((channel: { id: string }) => channel.id === theirs.id)).toMatchObject({
        is_member: true,
        member_count: 2,
      });
    });

    it('pages with limit and offset and validates them', async () => {
      const me = await ctx.newUser();
      const created = [];
      for (let index = 0; index < 3; index++) created.push(await ctx.newChannel(me, { name: `d${index}` }));
      const newestFirst = created.map((channel) => channel.id).reverse();
      const page = await ctx.request('GET', '/api/channels/discover?limit=1&offset=1', { token: me.token });
      expect(page.status).toBe(200);
      expect(page.body.map((channel: { id: string }) => channel.id)).toEqual([newestFirst[1]]);
      const bad = await ctx.request('GET', '/api/channels/discover?limit=0', { token: me.token });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('HEYYO_ERR_VALIDATION');
    });
  });

  describe('GET /api/channels/:id', () => {
    it('returns the channel with its members and counts', async () => {
      const owner = await ctx.newUser(undefined, { display_name: 'Owner One', avatar_url: 'https://example.com/o.png' });
      const alice = await ctx.newUser(owner.app, { display_name: 'Alice' });
      const bob = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, {
        name: 'details',
        description: 'about',
        metadata: { topic: 'x' },
        members: [alice.id],
      });

      const initial = await details(owner, channel.id);
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect({ ...initial, members: [...initial.members].sort(byId) }).toEqual({
        id: channel.id,
        app_id: owner.app.id,
        type: 'messaging',
        name: 'details',
        description: 'about',
        metadata: { topic: 'x' },
        created_by: owner.id,
        slow_mode_seconds: 0,
        created_at: channel.created_at,
        updated_at: channel.updated_at,
        member_count: 2,
        message_count: 0,
        last_message_at: null,
        members: [
          {
            id: owner.id,
            external_id: owner.externalId,
            display_name: 'Owner One',
            avatar_url: 'https://example.com/o.png',
            is_online: false,
            role: 'owner',
            joined_at: expect.stringMatching(ISO),
          },
          {
            id: alice.id,
            external_id: alice.externalId,
            display_name: 'Alice',
            avatar_url: null,
            is_online: false,
            role: 'member',
            joined_at: expect.stringMatching(ISO),
          },
        ].sort(byId),
      });

      expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: bob.token })).status).toBe(200);
      await ctx.send(alice, channel.id, { text: 'first' });
      const message = await ctx.send(bob, channel.id, { text: 'second' });

      const later = await details(bob, channel.id);
      expect(later.member_count).toBe(3);
      expect(later.message_count).toBe(2);
      expect(later.last_message_at).toBe(message.created_at);
      expect(later.members).toHaveLength(3);
      // Members are listed in join order: bob joined last.
      expect(later.members[2]).toEqual({
        id: bob.id,
        external_id: bob.externalId,
        display_name: null,
        avatar_url: null,
        is_online: false,
        role: 'member',
        joined_at: expect.stringMatching(ISO),
      });
      expect(Date.parse(later.members[2].joined_at)).toBeGreaterThanOrEqual(Date.parse(later.members[0].joined_at));
    });

    it.each([
      ['a member of the app who is not in the channel', 'non-member'],
      ['an unknown UUID', 'unknown'],
      ['a malformed id', 'malformed'],
      ['a channel of another app', 'other-app'],
    ])('answers 404 for %s', async (_label, kind) => {
      const owner = await ctx.newUser();
      const channel = await ctx.newChannel(owner);
      let caller = owner;
      let channelId = channel.id;
      if (kind === 'non-member') caller = await ctx.newUser(owner.app);
      if (kind === 'unknown') channelId = randomUUID();
      if (kind === 'malformed') channelId = 'not-a-uuid';
      if (kind === 'other-app') caller = await ctx.newUser();

      const response = await ctx.request('GET', `/api/channels/${channelId}`, { token: caller.token });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(CHANNEL_NOT_FOUND);
    });
  });

  describe('POST /api/channels/:id/join', () => {
    it('joins a channel as a member, and joining again changes nothing', async () => {
      const owner = await ctx.newUser();
      const joiner = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);

      const first = await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ message: 'Joined channel' });
      const again = await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token });
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ message: 'Joined channel' });
      // The owner joining its own channel keeps its role.
      const ownerJoin = await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: owner.token });
      expect(ownerJoin.status).toBe(200);

      expect((await details(joiner, channel.id)).member_count).toBe(2);
      expect(await memberRows(channel.id)).toEqual(
        [
          { user_id: owner.id, role: 'owner' },
          { user_id: joiner.id, role: 'member' },
        ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
      );
      expect((await listMine(joiner)).map((entry) => [entry.id, entry.role])).toEqual([[channel.id, 'member']]);
    });

    it('accepts Content-Type: application/json with an empty body', async () => {
      const owner = await ctx.newUser();
      const joiner = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);
      const response = await ctx.request('POST', `/api/channels/${channel.id}/join`, {
        token: joiner.token,
        headers: { 'content-type': 'application/json' },
        body: '',
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Joined channel' });
      expect((await details(joiner, channel.id)).member_count).toBe(2);
    });

    it('accepts a request with no body and no Content-Type', async () => {
      const owner = await ctx.newUser();
      const joiner = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);
      const response = await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Joined channel' });
      expect(await memberRows(channel.id)).toContainEqual({ user_id: joiner.id, role: 'member' });
    });

    it.each([
      ['an unknown UUID', 'unknown'],
      ['a malformed id', 'malformed'],
      ['a channel of another app', 'other-app'],
    ])('answers 404 for %s and adds no member', async (_label, kind) => {
      const owner = await ctx.newUser();
      const channel = await ctx.newChannel(owner);
      const caller = kind === 'other-app' ? await ctx.newUser() : await ctx.newUser(owner.app);
      const channelId = kind === 'unknown' ? randomUUID() : kind === 'malformed' ? 'not-a-uuid' : channel.id;

      const response = await ctx.request('POST', `/api/channels/${channelId}/join`, { token: caller.token });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(CHANNEL_NOT_FOUND);
      expect(await memberRows(channel.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
      // A refused join enqueues nothing: once the worker is idle, the count still stands.
      const [stored] = await ctx.sql`select member_count from channels where id = ${channel.id}`;
      expect(stored!.member_count).toBe(1);
    });
  });

  describe('POST /api/channels/:id/members', () => {
    it('adds a user of the app, who then sees the channel; adding twice keeps the count', async () => {
      const owner = await ctx.newUser();
      const added = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { name: 'invite-only' });
      expect(await listMine(added)).toEqual([]);

      const response = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: added.id },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Member added' });

      const seen = await listMine(added);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id: channel.id, role: 'member', member_count: 2 });

      const twice = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: added.id },
      });
      expect(twice.status).toBe(200);
      expect(twice.body).toEqual({ message: 'Member added' });
      // Adding the owner does not demote it nor count it again.
      const self = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: owner.id },
      });
      expect(self.status).toBe(200);

      expect((await details(owner, channel.id)).member_count).toBe(2);
      expect(await memberRows(channel.id)).toEqual(
        [
          { user_id: owner.id, role: 'owner' },
          { user_id: added.id, role: 'member' },
        ].sort((a, b) => a.user_id.localeCompare(b.user_id)),
      );
    });

    it('lets any member (not only the owner) add users', async () => {
      const owner = await ctx.newUser();
      const member = await ctx.newUser(owner.app);
      const newcomer = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [member.id] });
      const response = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: member.token,
        body: { user_id: newcomer.id },
      });
      expect(response.status).toBe(200);
      expect((await details(newcomer, channel.id)).member_count).toBe(3);
    });

    it('answers 403 when the caller is not a member, and adds no one', async () => {
      const owner = await ctx.newUser();
      const outsider = await ctx.newUser(owner.app);
      const target = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);
      for (const userId of [target.id, outsider.id]) {
        const response = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
          token: outsider.token,
          body: { user_id: userId },
        });
        expect(response.status).toBe(403);
        expect(response.body).toEqual(NOT_MEMBER);
      }
      expect(await memberRows(channel.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
    });

    it('answers 404 Channel not found for an unknown channel or one of another app', async () => {
      const owner = await ctx.newUser();
      const target = await ctx.newUser(owner.app);
      const foreignChannel = await ctx.newChannel(await ctx.newUser());
      for (const channelId of [randomUUID(), 'not-a-uuid', foreignChannel.id]) {
        const response = await ctx.request('POST', `/api/channels/${channelId}/members`, {
          token: owner.token,
          body: { user_id: target.id },
        });
        expect(response.status).toBe(404);
        expect(response.body).toEqual(CHANNEL_NOT_FOUND);
      }
      expect(await memberRows(foreignChannel.id)).toHaveLength(1);
    });

    it.each([
      ['an unknown user', 'unknown'],
      ['a user of another app', 'other-app'],
      ['a malformed user id', 'malformed'],
    ])('answers 404 User not found for %s and adds no one', async (_label, kind) => {
      const owner = await ctx.newUser();
      const channel = await ctx.newChannel(owner);
      const userId = kind === 'unknown' ? randomUUID() : kind === 'other-app' ? (await ctx.newUser()).id : 'not-a-uuid';
      const response = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: userId },
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(USER_NOT_FOUND);
      expect(await memberRows(channel.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
      expect((await details(owner, channel.id)).member_count).toBe(1);
    });

    it.each([
      ['missing user_id', {}, 'user_id is required'],
      ['user_id of the wrong type', { user_id: 42 }, 'user_id must be of type string'],
      ['an unknown field', { user_id: randomUUID(), role: 'owner' }, 'unknown field "role"'],
    ])('refuses %s with 400', async (_label, body, error) => {
      const owner = await ctx.newUser();
      const channel = await ctx.newChannel(owner);
      const response = await ctx.request('POST', `/api/channels/${channel.id}/members`, { token: owner.token, body });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
    });
  });

  describe('concurrency', () => {
    it('keeps member_count exact when 20 users join at once', async () => {
      const owner = await ctx.newUser();
      const channel = await ctx.newChannel(owner);
      const joiners = await Promise.all(Array.from({ length: 20 }, () => ctx.newUser(owner.app)));

      const responses = await Promise.all(
        joiners.map((user) => ctx.request('POST', `/api/channels/${channel.id}/join`, { token: user.token })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));

      expect((await details(owner, channel.id)).member_count).toBe(21);
      const [stored] = await ctx.sql`
        select c.member_count, (select count(*)::int from channel_members m where m.channel_id = c.id) as rows
          from channels c where c.id = ${channel.id}`;
      expect(stored).toEqual({ member_count: 21, rows: 21 });
      expect((await details(owner, channel.id)).members).toHaveLength(21);
    });

    it('counts one user once when it joins and is added concurrently', async () => {
      const owner = await ctx.newUser();
      const channel = await ctx.newChannel(owner);
      const user = await ctx.newUser(owner.app);

      const responses = await Promise.all([
        ...Array.from({ length: 10 }, () => ctx.request('POST', `/api/channels/${channel.id}/join`, { token: user.token })),
        ...Array.from({ length: 10 }, () =>
          ctx.request('POST', `/api/channels/${channel.id}/members`, { token: owner.token, body: { user_id: user.id } }),
        ),
      ]);
      expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));

      const [stored] = await ctx.sql`
        select c.member_count, (select count(*)::int from channel_members m where m.channel_id = c.id) as rows
          from channels c where c.id = ${channel.id}`;
      expect(stored).toEqual({ member_count: 2, rows: 2 });
    });
  });

  describe('POST /api/channels/:id/read', () => {
    const markRead = (user: TestUser, channelId: string, body: unknown) =>
      ctx.request('POST', `/api/channels/${channelId}/read`, { token: user.token, body });

    /** The caller's read state of one channel, as GET /api/channels lists it. */
    async function readState(user: TestUser, channelId: string) {
      const item = (await listMine(user)).find((entry) => entry.id === channelId);
      expect(item).toBeDefined();
      return { last_read_seq: item!.last_read_seq, unread_count: item!.unread_count, last_seq: item!.last_seq };
    }

    /** Sends one message per sender, in order; returns them (seq 1, 2, … in a fresh channel). */
    async function sendAll(channelId: string, senders: TestUser[]) {
      const sent = [];
      for (const sender of senders) sent.push(await ctx.send(sender, channelId));
      return sent;
    }

    it('marks the channel read up to the newest message when seq is omitted and answers the new read state', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id] });
      await sendAll(channel.id, [alice, alice, owner]);
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 0, unread_count: 2, last_seq: 3 });

      const response = await markRead(owner, channel.id, {});
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Channel marked read', last_read_seq: 3, unread_count: 0 });
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 3, unread_count: 0, last_seq: 3 });
      // Someone else's read position is their own.
      expect(await readState(alice, channel.id)).toEqual({ last_read_seq: 0, unread_count: 1, last_seq: 3 });
    });

    it.each([
      ['no body and no Content-Type', {}],
      ['Content-Type: application/json with an empty body', { headers: { 'content-type': 'application/json' }, body: '' }],
    ])('accepts a request with %s, reading to the newest message (as POST …/join does)', async (_label, options) => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id] });
      await sendAll(channel.id, [alice, alice]);

      const response = await ctx.request('POST', `/api/channels/${channel.id}/read`, { token: owner.token, ...options });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Channel marked read', last_read_seq: 2, unread_count: 0 });
    });

    it('lists unread_count as the messages of others, not one’s own and not deleted ones', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const bob = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id, bob.id] });
      const [, aliceSecond, , ownerFirst] = await sendAll(channel.id, [alice, alice, alice, owner, owner, bob]);
      const deleted = await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${aliceSecond!.id}`, {
        token: alice.token,
      });
      expect(deleted.status).toBe(200);

      // Live: alice 2, owner 2, bob 1.
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 0, unread_count: 3, last_seq: 6 });
      expect(await readState(alice, channel.id)).toEqual({ last_read_seq: 0, unread_count: 3, last_seq: 6 });
      expect(await readState(bob, channel.id)).toEqual({ last_read_seq: 0, unread_count: 4, last_seq: 6 });

      // A message deleted after it was counted leaves the counts that included it.
      const again = await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${ownerFirst!.id}`, {
        token: owner.token,
      });
      expect(again.status).toBe(200);
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 0, unread_count: 3, last_seq: 6 });
      expect(await readState(alice, channel.id)).toEqual({ last_read_seq: 0, unread_count: 2, last_seq: 6 });
      expect(await readState(bob, channel.id)).toEqual({ last_read_seq: 0, unread_count: 3, last_seq: 6 });
    });

    it('leaves, after reading to seq k, the messages of others with a seq above k unread', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id] });
      // seq:            1      2      3      4      5      6
      await sendAll(channel.id, [alice, owner, alice, alice, owner, alice]);

      const response = await markRead(owner, channel.id, { seq: 3 });
      expect(response.status).toBe(200);
      // Above 3, alice wrote 4 and 6.
      expect(response.body).toEqual({ message: 'Channel marked read', last_read_seq: 3, unread_count: 2 });
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 3, unread_count: 2, last_seq: 6 });

      // A later message of someone else adds to it.
      await ctx.send(alice, channel.id);
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 3, unread_count: 3, last_seq: 7 });

      expect((await markRead(owner, channel.id, { seq: 6 })).body).toEqual({
        message: 'Channel marked read',
        last_read_seq: 6,
        unread_count: 1,
      });
      expect((await markRead(owner, channel.id, { seq: 7 })).body).toEqual({
        message: 'Channel marked read',
        last_read_seq: 7,
        unread_count: 0,
      });
    });

    it('clamps a seq beyond the newest message to the newest', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id] });
      await sendAll(channel.id, [alice, alice, alice]);

      const response = await markRead(owner, channel.id, { seq: 1000 });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Channel marked read', last_read_seq: 3, unread_count: 0 });
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 3, unread_count: 0, last_seq: 3 });

      // The position is 3, not 1000: the next message is unread.
      await ctx.send(alice, channel.id);
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 3, unread_count: 1, last_seq: 4 });
    });

    it('never moves the read position backwards', async () => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id] });
      await sendAll(channel.id, [alice, alice, alice, alice, alice, alice]);

      expect((await markRead(owner, channel.id, { seq: 5 })).body).toEqual({
        message: 'Channel marked read',
        last_read_seq: 5,
        unread_count: 1,
      });
      for (const seq of [2, 0, 5]) {
        const response = await markRead(owner, channel.id, { seq });
        expect(response.status, `seq ${seq}`).toBe(200);
        expect(response.body).toEqual({ message: 'Channel marked read', last_read_seq: 5, unread_count: 1 });
      }
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 5, unread_count: 1, last_seq: 6 });
    });

    it('starts a member who joins or is added with the history read: unread 0, last_read_seq = last_seq', async () => {
      const owner = await ctx.newUser();
      const joiner = await ctx.newUser(owner.app);
      const added = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);
      await sendAll(channel.id, [owner, owner, owner, owner]);

      expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: joiner.token })).status).toBe(200);
      const addedResponse = await ctx.request('POST', `/api/channels/${channel.id}/members`, {
        token: owner.token,
        body: { user_id: added.id },
      });
      expect(addedResponse.status).toBe(200);
      for (const user of [joiner, added]) {
        expect(await readState(user, channel.id)).toEqual({ last_read_seq: 4, unread_count: 0, last_seq: 4 });
      }

      // Only what comes after joining is unread.
      await ctx.send(owner, channel.id);
      for (const user of [joiner, added]) {
        expect(await readState(user, channel.id)).toEqual({ last_read_seq: 4, unread_count: 1, last_seq: 5 });
      }
    });

    it.each([
      ['a negative seq', { seq: -1 }, 'seq must be >= 0'],
      ['a seq that is not an integer', { seq: 1.5 }, 'seq must be of type integer'],
      ['a seq as a string', { seq: '3' }, 'seq must be of type integer'],
      ['an unknown field', { seq: 1, all: true }, 'unknown field "all"'],
    ])('refuses %s with 400 and leaves the read position', async (_label, body, error) => {
      const owner = await ctx.newUser();
      const alice = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner, { members: [alice.id] });
      await sendAll(channel.id, [alice, alice, alice]);
      const response = await markRead(owner, channel.id, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error, code: 'HEYYO_ERR_VALIDATION' });
      expect(await readState(owner, channel.id)).toEqual({ last_read_seq: 0, unread_count: 3, last_seq: 3 });
    });

    it('refuses a non-member with 403 and stores no read state for them', async () => {
      const owner = await ctx.newUser();
      const outsider = await ctx.newUser(owner.app);
      const channel = await ctx.newChannel(owner);
      await ctx.send(owner, channel.id);
      for (const body of [{}, { seq: 1 }]) {
        const response = await markRead(outsider, channel.id, body);
        expect(response.status).toBe(403);
        expect(response.body).toEqual(NOT_MEMBER);
      }
      expect(await memberRows(channel.id)).toEqual([{ user_id: owner.id, role: 'owner' }]);
      expect(await listMine(outsider)).toEqual([]);
    });

    it('answers 404 Channel not found for an unknown channel or one of another app', async () => {
      const owner = await ctx.newUser();
      const foreignOwner = await ctx.newUser();
      const foreignChannel = await ctx.newChannel(foreignOwner);
      await ctx.send(foreignOwner, foreignChannel.id);
      for (const channelId of [randomUUID(), 'not-a-uuid', foreignChannel.id]) {
        const response = await markRead(owner, channelId, { seq: 1 });
        expect(response.status, channelId).toBe(404);
        expect(response.body).toEqual(CHANNEL_NOT_FOUND);
      }
      expect(await readState(foreignOwner, foreignChannel.id)).toEqual({ last_read_seq: 0, unread_count: 0, last_seq: 1 });
    });
  });
});
