/**
 * Moderation: channel bans (the membership ends, on every connection), mutes (read, never write),
 * slow mode (one message per member per interval, moderators exempt) and the tenant's app-wide
 * bans — each refused with its own code, lifted or expired on time, and refusing bad input.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { apiCredentials } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

describe('moderation', () => {
  const ctx = useNodeContext();

  /** ann owns a channel; bob moderates it; carol is a member. */
  async function moderatedChannel() {
    const app = await ctx.newApp();
    const [ann, bob, carol] = [
      await ctx.newUser(app, { externalId: 'ann' }),
      await ctx.newUser(app, { externalId: 'bob' }),
      await ctx.newUser(app, { externalId: 'carol' }),
    ];
    const channel = await ctx.newChannel(ann, { members: [bob.id, carol.id] });
    await ctx.request('PATCH', `/api/channels/${channel.id}/members/${bob.id}`, { token: ann.token, body: { role: 'moderator' } });
    return { app, ann, bob, carol, channel };
  }
  const post = (token: string, path: string, body: unknown) => ctx.request('POST', path, { token, body });
  const banned = { status: 403, body: { code: 'HEYYO_ERR_BANNED' } };
  const muted = { status: 403, body: { code: 'HEYYO_ERR_MUTED', error: 'You are muted in this channel' } };

  it('bans a member out of the channel on every connection, refuses them until lifted, then lets them back', async () => {
    const { ann, bob, carol, channel } = await moderatedChannel();
    const [annSocket, carolSocket] = [await ctx.connect(ann.token), await ctx.connect(carol.token)];
    const [annHears, carolHears] = [nextEvent(annSocket, 'member.banned'), nextEvent(carolSocket, 'member.banned')];
    const ban = await post(bob.token, `/api/channels/${channel.id}/bans`, { user_id: carol.id, reason: 'spam' });
    expect(ban).toMatchObject({
      status: 200,
      body: { user_id: carol.id, external_id: 'carol', reason: 'spam', created_by: bob.id, expires_at: null },
    });
    const event = { channelId: channel.id, userId: carol.id, externalId: 'carol', bannedBy: bob.id, expiresAt: null, version: expect.any(Number) };
    expect(await annHears).toEqual(event);
    expect(await carolHears).toEqual(event);

    const carolMessages = record(carolSocket, 'message.new');
    expect(await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: carol.token })).toMatchObject({ status: 403 });
    expect(await ctx.request('GET', `/api/channels/${channel.id}`, { token: carol.token })).toMatchObject({ status: 404 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'let me in' })).toMatchObject(banned);
    expect(await emitWithAck(carolSocket, 'message.send', { channelId: channel.id, text: 'socket' })).toMatchObject({ code: 'HEYYO_ERR_BANNED' });
    expect(await post(carol.token, `/api/channels/${channel.id}/join`, {})).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_BANNED', error: 'You are banned from this channel' } });
    expect(await emitWithAck(carolSocket, 'channel.join', { channelId: channel.id })).toMatchObject({ code: 'HEYYO_ERR_BANNED' });
    expect(await post(ann.token, `/api/channels/${channel.id}/members`, { user_id: carol.id })).toMatchObject({
      status: 403,
      body: { code: 'HEYYO_ERR_BANNED', error: 'This user is banned from this channel' },
    });
    const delivered = nextEvent(annSocket, 'message.new');
    await ctx.send(ann, channel.id, { text: 'after the ban' });
    await delivered;
    expect(carolMessages).toEqual([]);

    const bans = await ctx.request('GET', `/api/channels/${channel.id}/bans`, { token: bob.token });
    expect(bans.body).toEqual([ban.body]);
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token });
    expect(details.body.members.map((member: { id: string }) => member.id)).not.toContain(carol.id);
    expect(details.body.member_count).toBe(2);

    const unbanned = nextEvent(annSocket, 'member.unbanned');
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}/bans/${carol.id}`, { token: bob.token })).toMatchObject({
      status: 200,
      body: { message: 'Ban lifted' },
    });
    expect(await unbanned).toEqual({ channelId: channel.id, userId: carol.id, externalId: 'carol', liftedBy: bob.id, version: expect.any(Number) });
    expect((await ctx.request('GET', `/api/channels/${channel.id}/bans`, { token: bob.token })).body).toEqual([]);
    expect(await post(carol.token, `/api/channels/${channel.id}/join`, {})).toMatchObject({ status: 200 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'back' })).toMatchObject({ status: 201 });
    // Lifting again changes nothing and tells nobody.
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}/bans/${carol.id}`, { token: bob.token })).toMatchObject({ status: 200 });
  });

  it('ends a ban and a mute by themselves when their time is up', async () => {
    const { bob, carol, channel } = await moderatedChannel();
    await post(bob.token, `/api/channels/${channel.id}/mutes`, { user_id: carol.id, expires_in: 1 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'muted' })).toMatchObject(muted);
    const ban = await post(bob.token, `/api/channels/${channel.id}/bans`, { user_id: carol.id, expires_in: 1 });
    expect(Date.parse(ban.body.expires_at) - Date.parse(ban.body.created_at)).toBe(1000);
    expect(await post(carol.token, `/api/channels/${channel.id}/join`, {})).toMatchObject(banned);
    await sleep(1100);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/bans`, { token: bob.token })).body).toEqual([]);
    expect(await post(carol.token, `/api/channels/${channel.id}/join`, {})).toMatchObject({ status: 200 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'free again' })).toMatchObject({ status: 201 });
  });

  it('mutes a member: they read, but cannot send, edit, react or type until unmuted', async () => {
    const { ann, bob, carol, channel } = await moderatedChannel();
    const earlier = await ctx.send(carol, channel.id, { text: 'before' });
    const annSocket = await ctx.connect(ann.token);
    const heard = nextEvent(annSocket, 'member.muted');
    const mute = await post(bob.token, `/api/channels/${channel.id}/mutes`, { user_id: carol.id, expires_in: 600 });
    expect(mute).toMatchObject({ status: 200, body: { user_id: carol.id, created_by: bob.id, reason: null } });
    expect(await heard).toEqual({ channelId: channel.id, userId: carol.id, externalId: 'carol', mutedBy: bob.id, expiresAt: mute.body.expires_at, version: expect.any(Number) });

    expect(await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: carol.token })).toMatchObject({ status: 200 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'hello?' })).toMatchObject(muted);
    const carolSocket = await ctx.connect(carol.token);
    expect(await emitWithAck(carolSocket, 'message.send', { channelId: channel.id, text: 'hello?' })).toMatchObject({ code: 'HEYYO_ERR_MUTED' });
    expect(await emitWithAck(carolSocket, 'typing.start', { channelId: channel.id })).toMatchObject({ code: 'HEYYO_ERR_MUTED' });
    expect(await emitWithAck(carolSocket, 'reaction.add', { messageId: earlier.id, type: ':+1:' })).toMatchObject({ code: 'HEYYO_ERR_MUTED' });
    const edit = await ctx.request('PATCH', `/api/channels/${channel.id}/messages/${earlier.id}`, { token: carol.token, body: { text: 'edited' } });
    expect(edit).toMatchObject(muted);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/mutes`, { token: ann.token })).body).toEqual([mute.body]);

    const unmuted = nextEvent(annSocket, 'member.unmuted');
    await ctx.request('DELETE', `/api/channels/${channel.id}/mutes/${carol.id}`, { token: ann.token });
    expect(await unmuted).toEqual({ channelId: channel.id, userId: carol.id, externalId: 'carol', liftedBy: ann.id, version: expect.any(Number) });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'thanks' })).toMatchObject({ status: 201 });
  });

  it('holds members to slow mode, tells them how long to wait, and exempts moderators', async () => {
    const { ann, bob, carol, channel } = await moderatedChannel();
    const annSocket = await ctx.connect(ann.token);
    const updated = nextEvent(annSocket, 'channel.updated');
    const patched = await ctx.request('PATCH', `/api/channels/${channel.id}`, { token: ann.token, body: { slow_mode_seconds: 30 } });
    expect(patched).toMatchObject({ status: 200, body: { id: channel.id, slow_mode_seconds: 30 } });
    expect(await updated).toEqual({ ...patched.body, version: expect.any(Number) });
    const listed = await ctx.request('GET', '/api/channels', { token: carol.token });
    expect(listed.body[0]).toMatchObject({ id: channel.id, slow_mode_seconds: 30 });

    const first = await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'one', client_id: 'c-1' });
    expect(first).toMatchObject({ status: 201 });
    // A retry of the same send is not a second message: it gets the first.
    const retried = await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'one', client_id: 'c-1' });
    expect(retried).toMatchObject({ status: 201, body: first.body, headers: { 'idempotent-replayed': 'true' } });
    const second = await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'two' });
    expect(second).toMatchObject({ status: 429, body: { code: 'HEYYO_ERR_SLOW_MODE' } });
    const wait = Number(second.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(28);
    expect(wait).toBeLessThanOrEqual(30);
    expect(second.body.error).toBe(`Slow mode is on: your next message in ${wait} s`);
    const carolSocket = await ctx.connect(carol.token);
    expect(await emitWithAck(carolSocket, 'message.send', { channelId: channel.id, text: 'two' })).toMatchObject({ code: 'HEYYO_ERR_SLOW_MODE' });
    for (const moderator of [ann, bob]) {
      for (const text of ['a', 'b']) expect(await post(moderator.token, `/api/channels/${channel.id}/messages`, { text })).toMatchObject({ status: 201 });
    }

    await ctx.request('PATCH', `/api/channels/${channel.id}`, { token: ann.token, body: { slow_mode_seconds: 0 } });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'off' })).toMatchObject({ status: 201 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'off again' })).toMatchObject({ status: 201 });
  });

  it("gives back a slow-mode turn when the message is refused", async () => {
    const { ann, carol, channel } = await moderatedChannel();
    await ctx.request('PATCH', `/api/channels/${channel.id}`, { token: ann.token, body: { slow_mode_seconds: 60 } });
    const missingParent = await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'reply', parent_id: randomUUID() });
    expect(missingParent).toMatchObject({ status: 404 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'first real one' })).toMatchObject({ status: 201 });
  });

  it("lets the tenant ban a user app-wide: they read everywhere and write nowhere until it is lifted", async () => {
    const { app, ann, carol, channel } = await moderatedChannel();
    const carolSocket = await ctx.connect(carol.token);
    const heard = nextEvent(carolSocket, 'user.banned');
    const ban = await ctx.request('POST', `/api/users/${carol.id}/ban`, { headers: apiCredentials(app), body: { reason: 'abuse' } });
    expect(ban).toMatchObject({ status: 200, body: { user_id: carol.id, reason: 'abuse', expires_at: null } });
    expect(await heard).toEqual({ userId: carol.id, expiresAt: null });

    const inApp = { status: 403, body: { code: 'HEYYO_ERR_BANNED', error: 'You are banned in this app' } };
    expect(await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: carol.token })).toMatchObject({ status: 200 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'x' })).toMatchObject(inApp);
    expect(await emitWithAck(carolSocket, 'message.send', { channelId: channel.id, text: 'x' })).toMatchObject({ code: 'HEYYO_ERR_BANNED' });
    expect(await post(carol.token, '/api/channels', { name: 'mine' })).toMatchObject(inApp);
    const other = await ctx.newChannel(ann);
    expect(await post(carol.token, `/api/channels/${other.id}/join`, {})).toMatchObject(inApp);

    const lifted = nextEvent(carolSocket, 'user.unbanned');
    expect(await ctx.request('DELETE', `/api/users/${carol.id}/ban`, { headers: apiCredentials(app) })).toMatchObject({ status: 200 });
    expect(await lifted).toEqual({ userId: carol.id });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'sorry' })).toMatchObject({ status: 201 });
    // Without a body, until lifted; another app's credentials find no such user.
    expect(await ctx.request('POST', `/api/users/${carol.id}/ban`, { headers: apiCredentials(app) })).toMatchObject({ status: 200 });
    const otherApp = await ctx.newApp();
    expect(await ctx.request('DELETE', `/api/users/${carol.id}/ban`, { headers: apiCredentials(otherApp) })).toMatchObject({ status: 404 });
    expect(await ctx.request('POST', `/api/users/${carol.id}/ban`, { headers: apiCredentials(otherApp), body: {} })).toMatchObject({ status: 404 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'x' })).toMatchObject(inApp);
  });

  it('refuses what is not allowed with the documented codes, changing nothing', async () => {
    const { app, ann, bob, carol, channel } = await moderatedChannel();
    const bans = `/api/channels/${channel.id}/bans`;
    expect(await post(carol.token, bans, { user_id: bob.id })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    expect(await post(bob.token, bans, { user_id: ann.id })).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } });
    expect(await post(bob.token, `/api/channels/${channel.id}/mutes`, { user_id: ann.id })).toMatchObject({ status: 403 });
    expect(await post(bob.token, bans, { user_id: bob.id })).toMatchObject({ status: 400, body: { error: 'You cannot restrict yourself' } });
    expect(await post(bob.token, bans, { user_id: randomUUID() })).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_USER_NOT_FOUND' } });
    expect(await post(bob.token, bans, { user_id: carol.id, expires_in: 0 })).toMatchObject({ status: 400 });
    expect(await post(bob.token, bans, { user_id: carol.id, until: 'never' })).toMatchObject({ status: 400, body: { error: 'unknown field "until"' } });
    expect(await post(bob.token, bans, { user_id: carol.id, reason: 'x'.repeat(501) })).toMatchObject({ status: 400 });
    const outsider = await ctx.newUser(app);
    expect(await post(bob.token, `/api/channels/${channel.id}/mutes`, { user_id: outsider.id })).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_MEMBER_NOT_FOUND' } });
    expect(await ctx.request('GET', bans, { token: carol.token })).toMatchObject({ status: 403 });
    const stranger = await ctx.newUser();
    expect(await post(stranger.token, bans, { user_id: carol.id })).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' } });
    expect(await ctx.request('PATCH', `/api/channels/${channel.id}`, { token: ann.token, body: { slow_mode_seconds: 21_601 } })).toMatchObject({ status: 400 });
    expect(await ctx.request('PATCH', `/api/channels/${channel.id}`, { token: bob.token, body: { slow_mode_seconds: 5 } })).toMatchObject({ status: 403 });
    expect(await ctx.request('POST', `/api/users/${carol.id}/ban`, { body: {} })).toMatchObject({ status: 401 });

    // Nothing above changed anything.
    expect((await ctx.request('GET', bans, { token: bob.token })).body).toEqual([]);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/mutes`, { token: bob.token })).body).toEqual([]);
    expect((await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token })).body).toMatchObject({ member_count: 3, slow_mode_seconds: 0 });
    expect(await post(carol.token, `/api/channels/${channel.id}/messages`, { text: 'still fine' })).toMatchObject({ status: 201 });
  });
});
