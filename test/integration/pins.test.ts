/**
 * Pins: owners, moderators and app admins pin and unpin (the `pin` action of the permission
 * table); the channel hears `message.pinned` / `message.unpinned`; `GET /api/channels/:id/pins`
 * lists them newest pin first. Pinning twice or unpinning an unpinned message is a 200 that
 * announces nothing; a deleted message cannot be pinned, and deleting a pinned one unpins it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestApp, TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('pins', () => {
  const ctx = useNodeContext();

  /** ann owns a channel with bob (a member) and mo (a moderator); bob wrote two messages. */
  async function channelWithMessages() {
    const app = await ctx.newApp();
    const [ann, bob, mo] = [
      await ctx.newUser(app, { externalId: 'ann' }),
      await ctx.newUser(app, { externalId: 'bob' }),
      await ctx.newUser(app, { externalId: 'mo' }),
    ];
    const channel = await ctx.newChannel(ann, { members: [bob.id, mo.id] });
    await ctx.request('PATCH', `/api/channels/${channel.id}/members/${mo.id}`, { token: ann.token, body: { role: 'moderator' } });
    const first = await ctx.send(bob, channel.id, { text: 'first' });
    const second = await ctx.send(bob, channel.id, { text: 'second' });
    return { app, ann, bob, mo, channel, first, second };
  }
  const pinPath = (channelId: string, messageId: string) => `/api/channels/${channelId}/messages/${messageId}/pin`;
  const pin = (user: { token: string }, channelId: string, messageId: string) => ctx.request('POST', pinPath(channelId, messageId), { token: user.token });
  const unpin = (user: { token: string }, channelId: string, messageId: string) =>
    ctx.request('DELETE', pinPath(channelId, messageId), { token: user.token });
  const pins = (user: TestUser, channelId: string, query = '') => ctx.request('GET', `/api/channels/${channelId}/pins${query}`, { token: user.token });
  const pinnedIds = async (user: TestUser, channelId: string) => (await pins(user, channelId)).body.map((message: { id: string }) => message.id);
  const history = async (user: TestUser, channelId: string) =>
    (await ctx.request('GET', `/api/channels/${channelId}/messages`, { token: user.token })).body as { id: string; pinned_at: string | null; pinned_by: string | null }[];

  /** An admin of `app`: the tenant's backend asked for `role: "admin"`. */
  async function adminOf(app: TestApp) {
    const response = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: `admin-${randomUUID()}`, role: 'admin' },
    });
    return { id: response.body.user_id as string, token: response.body.token as string };
  }

  it('pins and unpins, tells the channel, lists pins newest first, and history pages show it at once', async () => {
    const { ann, bob, mo, channel, first, second } = await channelWithMessages();
    const bobSocket = await ctx.connect(bob.token);
    // Cached before the pin: the pin must make it stale.
    expect((await history(bob, channel.id)).map((message) => message.pinned_at)).toEqual([null, null]);

    const heard = nextEvent(bobSocket, 'message.pinned');
    const pinned = await pin(mo, channel.id, first.id);
    expect(pinned.status).toBe(200);
    expect(pinned.body).toEqual({ ...first, pinned_at: expect.stringMatching(ISO), pinned_by: mo.id });
    expect(await heard).toEqual({ ...pinned.body, version: expect.any(Number) });
    expect((await history(bob, channel.id))[0]).toMatchObject({ id: first.id, pinned_at: pinned.body.pinned_at, pinned_by: mo.id });

    expect((await pin(ann, channel.id, second.id)).body).toMatchObject({ pinned_by: ann.id });
    const listed = await pins(bob, channel.id);
    expect(listed.status).toBe(200);
    expect(listed.body.map((message: { id: string }) => message.id)).toEqual([second.id, first.id]);
    // The history's shape (ListedMessage), as the history shows it.
    expect(listed.body[1]).toEqual((await history(bob, channel.id))[0]);
    expect((await pins(bob, channel.id, '?limit=1&offset=1')).body.map((message: { id: string }) => message.id)).toEqual([first.id]);

    const unpinnedHeard = nextEvent(bobSocket, 'message.unpinned');
    const unpinned = await unpin(mo, channel.id, second.id);
    expect(unpinned.status).toBe(200);
    expect(unpinned.body).toMatchObject({ id: second.id, pinned_at: null, pinned_by: null });
    expect(await unpinnedHeard).toEqual({ ...unpinned.body, version: expect.any(Number) });
    expect(await pinnedIds(bob, channel.id)).toEqual([first.id]);
    expect((await history(bob, channel.id))[1]).toMatchObject({ id: second.id, pinned_at: null, pinned_by: null });
  });

  it('answers a second pin or unpin with the message and announces nothing', async () => {
    const { ann, bob, channel, first } = await channelWithMessages();
    const bobSocket = await ctx.connect(bob.token);
    const pinnedEvents = record(bobSocket, 'message.pinned');
    const unpinnedEvents = record(bobSocket, 'message.unpinned');
    const once = await pin(ann, channel.id, first.id);
    const twice = await pin(ann, channel.id, first.id);
    expect(twice).toMatchObject({ status: 200, body: once.body });
    await unpin(ann, channel.id, first.id);
    expect(await unpin(ann, channel.id, first.id)).toMatchObject({ status: 200, body: { id: first.id, pinned_at: null } });
    // A barrier event proves nothing else is in flight.
    const barrier = nextEvent(bobSocket, 'message.new', (message) => message.text === 'barrier');
    await ctx.send(ann, channel.id, { text: 'barrier' });
    await barrier;
    expect(pinnedEvents).toHaveLength(1);
    expect(unpinnedEvents).toHaveLength(1);
  });

  it('lets owners, moderators and app admins pin; refuses members and strangers, changing nothing', async () => {
    const { app, bob, channel, first, second } = await channelWithMessages();
    const forbidden = { status: 403, body: { code: 'HEYYO_ERR_FORBIDDEN' } };
    expect(await pin(bob, channel.id, first.id)).toMatchObject(forbidden);
    const outsider = await ctx.newUser(app);
    expect(await pin(outsider, channel.id, first.id)).toMatchObject({ status: 403, body: { error: 'Not a member of this channel' } });
    expect(await pins(outsider, channel.id)).toMatchObject({ status: 403, body: { error: 'Not a member of this channel' } });
    const otherApp = await ctx.newUser();
    expect(await pin(otherApp, channel.id, first.id)).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' } });
    expect(await pins(otherApp, channel.id)).toMatchObject({ status: 404 });
    expect(await pinnedIds(bob, channel.id)).toEqual([]);

    // An app admin moderates every channel of its app, member or not; another app's admin is a stranger.
    const admin = await adminOf(app);
    expect((await pin(admin, channel.id, second.id)).body).toMatchObject({ id: second.id, pinned_by: admin.id });
    expect(await unpin(bob, channel.id, second.id)).toMatchObject(forbidden);
    const otherAdmin = await adminOf(otherApp.app);
    expect(await unpin(otherAdmin, channel.id, second.id)).toMatchObject({ status: 404 });
    expect(await pinnedIds(bob, channel.id)).toEqual([second.id]);
  });

  it("refuses a deleted, missing or other channel's message (404), and unknown fields (400)", async () => {
    const { ann, bob, channel, first, second } = await channelWithMessages();
    const notFound = { status: 404, body: { code: 'HEYYO_ERR_MESSAGE_NOT_FOUND', error: 'Message not found' } };
    await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${first.id}`, { token: bob.token });
    expect(await pin(ann, channel.id, first.id)).toMatchObject(notFound);
    expect(await unpin(ann, channel.id, first.id)).toMatchObject(notFound);
    expect(await pin(ann, channel.id, randomUUID())).toMatchObject(notFound);
    const elsewhere = await ctx.newChannel(ann);
    const foreign = await ctx.send(ann, elsewhere.id);
    expect(await pin(ann, channel.id, foreign.id)).toMatchObject(notFound);
    const otherApp = await ctx.newUser();
    const otherMessage = await ctx.send(otherApp, (await ctx.newChannel(otherApp)).id);
    expect(await pin(ann, channel.id, otherMessage.id)).toMatchObject(notFound);
    expect(await pins(ann, channel.id, '?before=2026-01-01T00:00:00.000Z')).toMatchObject({ status: 400, body: { error: 'unknown field "before"' } });
    expect(await pins(ann, channel.id, '?limit=0')).toMatchObject({ status: 400 });
    expect(await pinnedIds(ann, channel.id)).toEqual([]);
    expect((await history(ann, channel.id)).map((message) => [message.id, message.pinned_at])).toEqual([[second.id, null]]);
  });

  it('unpins a message when it is deleted', async () => {
    const { ann, bob, channel, first } = await channelWithMessages();
    await pin(ann, channel.id, first.id);
    expect((await ctx.request('DELETE', `/api/channels/${channel.id}/messages/${first.id}`, { token: bob.token })).status).toBe(200);
    expect(await pinnedIds(ann, channel.id)).toEqual([]);
    const socket = await ctx.connect(ann.token);
    const { messages } = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: 0 });
    expect(messages[0]).toMatchObject({ id: first.id, deleted_at: expect.stringMatching(ISO), pinned_at: null, pinned_by: null });
  });
});
