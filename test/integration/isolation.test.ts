/**
 * Tenant isolation: a user of app B, holding a perfectly valid token, must not read
 * or write anything of app A through any user endpoint, even when it knows A's ids.
 * Every refusal is checked against the stored rows so "nothing written" is proven,
 * and every refusal is paired with a control showing the same request works for A.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useApiContext, type TestApp, type TestUser } from '../support/api-context.ts';

const CHANNEL_NOT_FOUND = { error: 'Channel not found', code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' };
const USER_NOT_FOUND = { error: 'User not found', code: 'HEYYO_ERR_USER_NOT_FOUND' };
const MESSAGE_NOT_FOUND = { error: 'Message not found', code: 'HEYYO_ERR_MESSAGE_NOT_FOUND' };
const MESSAGE_NOT_FOUND_OR_UNAUTHORIZED = {
  error: 'Message not found or unauthorized',
  code: 'HEYYO_ERR_MESSAGE_NOT_FOUND',
};

describe('tenant isolation between two apps', () => {
  const ctx = useApiContext();

  let appA: TestApp;
  let appB: TestApp;
  let ownerA: TestUser;
  let memberA: TestUser;
  let outsiderA: TestUser;
  let userB: TestUser;
  let otherB: TestUser;
  let channelA: { id: string; [key: string]: unknown };
  let channelB: { id: string; [key: string]: unknown };
  let messageA: { id: string; seq: number; [key: string]: unknown };

  beforeAll(async () => {
    appA = await ctx.newApp('Tenant A');
    appB = await ctx.newApp('Tenant B');
    ownerA = await ctx.newUser(appA);
    memberA = await ctx.newUser(appA);
    outsiderA = await ctx.newUser(appA);
    userB = await ctx.newUser(appB);
    otherB = await ctx.newUser(appB);
    channelA = await ctx.newChannel(ownerA, { name: 'a-secret', members: [memberA.id] });
    // A second channel of A that nobody of B is ever near, so discover/list have several A rows.
    await ctx.newChannel(memberA, { name: 'a-other' });
    messageA = await ctx.send(ownerA, channelA.id, { text: 'for A only' });
    await ctx.send(memberA, channelA.id, { text: 'A reply' });
    const reacted = await ctx.request('POST', `/api/channels/${channelA.id}/messages/${messageA.id}/reactions`, {
      token: memberA.token,
      body: { type: ':heart:' },
    });
    expect(reacted.status).toBe(200);
    channelB = await ctx.newChannel(userB, { name: 'b-own' });
    await ctx.send(userB, channelB.id, { text: 'for B only' });
    // The worker stores the reaction and recounts: snapshots below must not race it.
    await ctx.settled();
  });

  /** Everything stored for app A, plus global row counts: equal before and after means nothing was written. */
  async function snapshot() {
    const [counts] = await ctx.sql`
      select (select count(*)::int from apps) as apps,
             (select count(*)::int from users) as users,
             (select count(*)::int from channels) as channels,
             (select count(*)::int from channel_members) as channel_members,
             (select count(*)::int from messages) as messages,
             (select count(*)::int from messages where deleted_at is not null) as deleted_messages,
             (select count(*)::int from reactions where removed_at is null) as reactions,
             (select count(*)::int from reactions) as reaction_rows`;
    const channelsA = await ctx.sql`
      select id, name, member_count, message_count, last_seq, last_message_at, updated_at
        from channels where app_id = ${appA.id} order by id`;
    const membersA = await ctx.sql`
      select channel_id, user_id, app_id, role from channel_members where app_id = ${appA.id}
       order by channel_id, user_id`;
    const messagesA = await ctx.sql`
      select id, channel_id, user_id, seq, text, deleted_at, updated_at from messages where app_id = ${appA.id}
       order by id`;
    const reactionsA = await ctx.sql`
      select message_id, user_id, type, removed_at is null as live from reactions where app_id = ${appA.id}
       order by message_id, user_id, type`;
    return { counts, channelsA, membersA, messagesA, reactionsA };
  }

  async function channelRow(id: string) {
    const [row] = await ctx.sql`select member_count, message_count, last_seq from channels where id = ${id}`;
    return row!;
  }

  it('the fixtures are what the refusals below are measured against', async () => {
    // Controls: A's own users do reach A's data with the very same requests B is refused.
    const details = await ctx.request('GET', `/api/channels/${channelA.id}`, { token: ownerA.token });
    expect(details.status).toBe(200);
    expect(details.body.members.map((m: { id: string }) => m.id).sort()).toEqual([ownerA.id, memberA.id].sort());
    const history = await ctx.request('GET', `/api/channels/${channelA.id}/messages`, { token: memberA.token });
    expect(history.status).toBe(200);
    expect(history.body.map((m: { text: string }) => m.text)).toEqual(['for A only', 'A reply']);
    const [a] = await ctx.sql`select app_id from channels where id = ${channelA.id}`;
    const [b] = await ctx.sql`select app_id from channels where id = ${channelB.id}`;
    expect(a!.app_id).toBe(appA.id);
    expect(b!.app_id).toBe(appB.id);
  });

  it('GET /api/channels lists none of A’s channels for a B user', async () => {
    const response = await ctx.request('GET', '/api/channels', { token: userB.token });
    expect(response.status).toBe(200);
    const ids: string[] = response.body.map((c: { id: string }) => c.id);
    expect(ids).toEqual([channelB.id]);
    const aIds = (await ctx.sql`select id from channels where app_id = ${appA.id}`).map((r) => r.id as string);
    expect(aIds.length).toBeGreaterThanOrEqual(2);
    for (const id of aIds) expect(ids).not.toContain(id);
    expect(JSON.stringify(response.body)).not.toContain('a-secret');
  });

  it('GET /api/channels/discover shows only B’s channels to a B user', async () => {
    const response = await ctx.request('GET', '/api/channels/discover', { token: otherB.token });
    expect(response.status).toBe(200);
    const ids: string[] = response.body.map((c: { id: string }) => c.id);
    const bIds = (await ctx.sql`select id from channels where app_id = ${appB.id}`).map((r) => r.id as string);
    expect(ids.sort()).toEqual(bIds.sort());
    expect(ids).toContain(channelB.id);
    expect(ids).not.toContain(channelA.id);
    expect(JSON.stringify(response.body)).not.toMatch(/a-secret|a-other/);

    // Control: A's outsider (not a member) discovers A's channels, so the filter is by app, not by membership.
    const control = await ctx.request('GET', '/api/channels/discover', { token: outsiderA.token });
    expect(control.body.map((c: { id: string }) => c.id)).toContain(channelA.id);
    expect(control.body.map((c: { id: string }) => c.id)).not.toContain(channelB.id);
  });

  it('GET /api/channels/:id of A’s channel is 404 for a B user', async () => {
    const response = await ctx.request('GET', `/api/channels/${channelA.id}`, { token: userB.token });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(CHANNEL_NOT_FOUND);
  });

  it('POST /api/channels/:id/join of A’s channel is 404 and adds no member', async () => {
    const before = await snapshot();
    const countBefore = await channelRow(channelA.id);
    const response = await ctx.request('POST', `/api/channels/${channelA.id}/join`, { token: userB.token });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(CHANNEL_NOT_FOUND);
    expect(await channelRow(channelA.id)).toEqual(countBefore);
    const rows = await ctx.sql`select 1 from channel_members where channel_id = ${channelA.id} and user_id = ${userB.id}`;
    expect(rows).toHaveLength(0);
    expect(await snapshot()).toEqual(before);
    // Still invisible afterwards.
    const list = await ctx.request('GET', '/api/channels', { token: userB.token });
    expect(list.body.map((c: { id: string }) => c.id)).not.toContain(channelA.id);
  });

  it('POST /api/channels/:id/members refuses an A user in B’s own channel (404 User not found)', async () => {
    const before = await snapshot();
    const response = await ctx.request('POST', `/api/channels/${channelB.id}/members`, {
      token: userB.token,
      body: { user_id: ownerA.id },
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(USER_NOT_FOUND);
    const rows = await ctx.sql`select 1 from channel_members where channel_id = ${channelB.id} and user_id = ${ownerA.id}`;
    expect(rows).toHaveLength(0);
    expect(await snapshot()).toEqual(before);

    // Control: the same call with a B user is accepted.
    const control = await ctx.request('POST', `/api/channels/${channelB.id}/members`, {
      token: userB.token,
      body: { user_id: otherB.id },
    });
    expect(control.status).toBe(200);
    expect(control.body).toEqual({ message: 'Member added' });
  });

  it('POST /api/channels/:id/members of A’s channel is 404 for a B user adding a B user', async () => {
    const before = await snapshot();
    const countBefore = await channelRow(channelA.id);
    for (const userId of [otherB.id, userB.id]) {
      const response = await ctx.request('POST', `/api/channels/${channelA.id}/members`, {
        token: userB.token,
        body: { user_id: userId },
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(CHANNEL_NOT_FOUND);
    }
    // Adding an A user to A's channel from B's token is refused the same way.
    const sneaky = await ctx.request('POST', `/api/channels/${channelA.id}/members`, {
      token: userB.token,
      body: { user_id: outsiderA.id },
    });
    expect(sneaky.status).toBe(404);
    expect(sneaky.body).toEqual(CHANNEL_NOT_FOUND);
    expect(await channelRow(channelA.id)).toEqual(countBefore);
    const rows = await ctx.sql`
      select user_id from channel_members
       where channel_id = ${channelA.id} and user_id in (${userB.id}, ${otherB.id}, ${outsiderA.id})`;
    expect(rows).toHaveLength(0);
    expect(await snapshot()).toEqual(before);
  });

  it('GET /api/channels/:id/messages of A’s channel is 404 for a B user', async () => {
    const response = await ctx.request('GET', `/api/channels/${channelA.id}/messages`, { token: userB.token });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(CHANNEL_NOT_FOUND);
    expect(JSON.stringify(response.body)).not.toContain('for A only');
  });

  it('POST /api/channels/:id/messages to A’s channel is 404 and stores no message', async () => {
    const before = await snapshot();
    const countBefore = await channelRow(channelA.id);
    const response = await ctx.request('POST', `/api/channels/${channelA.id}/messages`, {
      token: userB.token,
      body: { text: 'intrusion', client_id: 'b-intrusion' },
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual(CHANNEL_NOT_FOUND);
    expect(
      await ctx.sql`select 1 from messages where text = 'intrusion' or (user_id = ${userB.id} and channel_id = ${channelA.id})`,
    ).toHaveLength(0);
    expect(await channelRow(channelA.id)).toEqual(countBefore);
    expect(await snapshot()).toEqual(before);
  });

  it('a B user cannot post a reply whose parent is A’s message, even in B’s own channel', async () => {
    const before = await snapshot();
    const response = await ctx.request('POST', `/api/channels/${channelB.id}/messages`, {
      token: userB.token,
      body: { text: 'reply across tenants', parent_id: messageA.id },
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Parent message not found', code: 'HEYYO_ERR_PARENT_NOT_FOUND' });
    expect(await ctx.sql`select 1 from messages where parent_id = ${messageA.id} and app_id = ${appB.id}`).toHaveLength(0);
    expect(await snapshot()).toEqual(before);
  });

  it('DELETE /api/channels/:id/messages/:mid of A’s message is 404 and deletes nothing', async () => {
    const before = await snapshot();
    const viaA = await ctx.request('DELETE', `/api/channels/${channelA.id}/messages/${messageA.id}`, { token: userB.token });
    expect(viaA.status).toBe(404);
    expect(viaA.body).toEqual(MESSAGE_NOT_FOUND_OR_UNAUTHORIZED);
    // Naming B's own channel with A's message id does not reach it either.
    const viaB = await ctx.request('DELETE', `/api/channels/${channelB.id}/messages/${messageA.id}`, { token: userB.token });
    expect(viaB.status).toBe(404);
    expect(viaB.body).toEqual(MESSAGE_NOT_FOUND_OR_UNAUTHORIZED);
    const [row] = await ctx.sql`select deleted_at from messages where id = ${messageA.id}`;
    expect(row!.deleted_at).toBeNull();
    expect(await snapshot()).toEqual(before);
    const history = await ctx.request('GET', `/api/channels/${channelA.id}/messages`, { token: ownerA.token });
    expect(history.body.map((m: { id: string }) => m.id)).toContain(messageA.id);
  });

  it('POST reactions on A’s message is 404 and stores no reaction', async () => {
    const before = await snapshot();
    const viaA = await ctx.request('POST', `/api/channels/${channelA.id}/messages/${messageA.id}/reactions`, {
      token: userB.token,
      body: { type: ':thumbsup:' },
    });
    expect(viaA.status).toBe(404);
    expect(viaA.body).toEqual(CHANNEL_NOT_FOUND);
    const viaB = await ctx.request('POST', `/api/channels/${channelB.id}/messages/${messageA.id}/reactions`, {
      token: userB.token,
      body: { type: ':thumbsup:' },
    });
    expect(viaB.status).toBe(404);
    expect(viaB.body).toEqual(MESSAGE_NOT_FOUND);
    // A refused reaction is never queued: once the worker is idle, no row can still appear.
    await ctx.settled();
    expect(await ctx.sql`select 1 from reactions where user_id = ${userB.id}`).toHaveLength(0);
    expect(await ctx.sql`select 1 from reactions where message_id = ${messageA.id} and type = ':thumbsup:'`).toHaveLength(0);
    expect(await snapshot()).toEqual(before);
  });

  it('POST /api/channels with an A user among members is 404 and creates nothing', async () => {
    const before = await snapshot();
    for (const members of [[ownerA.id], [otherB.id, memberA.id]]) {
      const response = await ctx.request('POST', '/api/channels', {
        token: userB.token,
        body: { name: 'b-with-a-member', members },
      });
      expect(response.status).toBe(404);
      expect(response.body).toEqual(USER_NOT_FOUND);
    }
    expect(await ctx.sql`select 1 from channels where name = 'b-with-a-member'`).toHaveLength(0);
    expect(await snapshot()).toEqual(before);

    // Control: with B users only, the same request creates the channel.
    const control = await ctx.request('POST', '/api/channels', {
      token: userB.token,
      body: { name: 'b-with-b-member', members: [otherB.id] },
    });
    expect(control.status).toBe(201);
    expect(control.body.app_id).toBe(appB.id);
  });

  it('the server-side users API with B’s credentials neither reads nor writes A’s users', async () => {
    const credentialsB = { 'x-api-key': appB.api_key, 'x-api-secret': appB.api_secret };
    const listed = await ctx.request('GET', '/api/users', { headers: credentialsB });
    expect(listed.status).toBe(200);
    const bUserIds = (await ctx.sql`select id from users where app_id = ${appB.id}`).map((r) => r.id as string);
    expect(listed.body.map((u: { id: string }) => u.id).sort()).toEqual(bUserIds.sort());
    expect(listed.body.map((u: { id: string }) => u.id)).not.toContain(ownerA.id);

    const got = await ctx.request('GET', `/api/users/${ownerA.id}`, { headers: credentialsB });
    expect(got.status).toBe(404);
    expect(got.body).toEqual(USER_NOT_FOUND);
    const control = await ctx.request('GET', `/api/users/${ownerA.id}`, {
      headers: { 'x-api-key': appA.api_key, 'x-api-secret': appA.api_secret },
    });
    expect(control.status).toBe(200);

    // A's key with B's secret is not a way in either.
    const mixed = await ctx.request('GET', `/api/users/${ownerA.id}`, {
      headers: { 'x-api-key': appA.api_key, 'x-api-secret': appB.api_secret },
    });
    expect(mixed.status).toBe(401);
    expect(mixed.body).toEqual({ error: 'Invalid API credentials', code: 'HEYYO_ERR_INVALID_CREDENTIALS' });
    const mintedMixed = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: appA.api_key, api_secret: appB.api_secret, user_id: ownerA.externalId },
    });
    expect(mintedMixed.status).toBe(401);

    // Upserting A's external id through B creates a B user and leaves A's row untouched.
    const [aBefore] = await ctx.sql`select * from users where id = ${ownerA.id}`;
    const upserted = await ctx.request('POST', '/api/users', {
      headers: credentialsB,
      body: { user_id: ownerA.externalId, display_name: 'Hijack' },
    });
    expect(upserted.status).toBe(200);
    expect(upserted.body.id).not.toBe(ownerA.id);
    const [bRow] = await ctx.sql`select app_id from users where id = ${upserted.body.id}`;
    expect(bRow!.app_id).toBe(appB.id);
    const [aAfter] = await ctx.sql`select * from users where id = ${ownerA.id}`;
    expect(aAfter).toEqual(aBefore);
  });

  it('the same external user_id in A and B names two different users', async () => {
    const inA = await ctx.newUser(appA, { externalId: 'shared-external-id', display_name: 'In A' });
    const inB = await ctx.newUser(appB, { externalId: 'shared-external-id', display_name: 'In B' });
    expect(inA.id).not.toBe(inB.id);
    const rows = await ctx.sql`
      select id, app_id, display_name from users where external_id = 'shared-external-id' order by display_name`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { id: inA.id, app_id: appA.id, display_name: 'In A' },
      { id: inB.id, app_id: appB.id, display_name: 'In B' },
    ]);
    // Re-issuing a token in B does not touch A's user of the same external id.
    const again = await ctx.newUser(appB, { externalId: 'shared-external-id', display_name: 'B renamed' });
    expect(again.id).toBe(inB.id);
    const [aRow] = await ctx.sql`select display_name from users where id = ${inA.id}`;
    expect(aRow!.display_name).toBe('In A');

    // A's user is in A's channel; B's namesake still cannot see or post there.
    const added = await ctx.request('POST', `/api/channels/${channelA.id}/members`, {
      token: ownerA.token,
      body: { user_id: inA.id },
    });
    expect(added.status).toBe(200);
    const seenByA = await ctx.request('GET', `/api/channels/${channelA.id}`, { token: inA.token });
    expect(seenByA.status).toBe(200);
    const memberIds = seenByA.body.members.map((m: { id: string }) => m.id);
    expect(memberIds).toContain(inA.id);
    expect(memberIds).not.toContain(inB.id);
    // The worker recounts channel A's member_count for the add: let it finish before the snapshot.
    await ctx.settled();

    const before = await snapshot();
    const seenByB = await ctx.request('GET', `/api/channels/${channelA.id}`, { token: inB.token });
    expect(seenByB.status).toBe(404);
    expect(seenByB.body).toEqual(CHANNEL_NOT_FOUND);
    const postByB = await ctx.request('POST', `/api/channels/${channelA.id}/messages`, {
      token: inB.token,
      body: { text: 'namesake' },
    });
    expect(postByB.status).toBe(404);
    expect(postByB.body).toEqual(CHANNEL_NOT_FOUND);
    const listByB = await ctx.request('GET', '/api/channels', { token: inB.token });
    expect(listByB.body).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
