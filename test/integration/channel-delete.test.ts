/**
 * Deleting a channel (`DELETE /api/channels/:id`): owners and app admins; its members hear
 * `channel.deleted` and leave its room; from then on it is gone from every read and write.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

describe('deleting a channel', () => {
  const ctx = useNodeContext();

  async function channelOfTwo() {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { name: 'doomed', members: [bob.id] });
    const message = await ctx.send(bob, channel.id, { text: 'last words' });
    return { app, ann, bob, channel, message };
  }

  it('tells its members, takes them out of its room, and answers 404 to every read and write after', async () => {
    const { ann, bob, channel, message } = await channelOfTwo();
    const keep = await ctx.newChannel(ann, { name: 'kept', members: [bob.id] });
    const bobSocket = await ctx.connect(bob.token);
    const heard = nextEvent(bobSocket, 'channel.deleted');
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}`, { token: ann.token })).toMatchObject({
      status: 200,
      body: { message: 'Channel deleted' },
    });
    expect(await heard).toEqual({ channelId: channel.id, deletedBy: ann.id });

    // Every one a 404 (a message's delete says so of the message, as for any missing one).
    const gone = { status: 404 };
    const base = `/api/channels/${channel.id}`;
    for (const [method, path, body] of [
      ['GET', base],
      ['GET', `${base}/messages`],
      ['POST', `${base}/messages`, { text: 'anyone?' }],
      ['POST', `${base}/join`, {}],
      ['POST', `${base}/read`, {}],
      ['PATCH', base, { name: 'back' }],
      ['DELETE', `${base}/messages/${message.id}`],
      ['POST', `${base}/members`, { user_id: ann.id }],
      ['DELETE', base],
    ] as const) {
      expect(await ctx.request(method, path, { token: bob.token, ...(body ? { body } : {}) }), `${method} ${path}`).toMatchObject(gone);
    }
    expect(await ctx.request('GET', base, { token: ann.token })).toMatchObject({ body: { code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' } });
    expect(await emitWithAck(bobSocket, 'message.send', { channelId: channel.id, text: 'socket' })).toMatchObject({ code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
    expect(await emitWithAck(bobSocket, 'messages.sync', { channelId: channel.id, afterSeq: 0 })).toMatchObject({ code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
    expect(await emitWithAck(bobSocket, 'reaction.add', { messageId: message.id, type: ':x:' })).toMatchObject({ code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
    const listed = await ctx.request('GET', '/api/channels', { token: bob.token });
    expect(listed.body.map((item: { id: string }) => item.id)).toEqual([keep.id]);
    const discovered = await ctx.request('GET', '/api/channels/discover', { token: bob.token });
    expect(discovered.body.map((item: { id: string }) => item.id)).toEqual([keep.id]);

    // A new connection does not enter the deleted channel's room; the kept channel still works.
    const fresh = await ctx.connect(bob.token);
    const deletedEvents = record(fresh, 'message.new');
    const delivered = nextEvent(fresh, 'message.new');
    await ctx.send(ann, keep.id, { text: 'still here' });
    expect(await delivered).toMatchObject({ channel_id: keep.id });
    expect(deletedEvents.every((event) => event.channel_id === keep.id)).toBe(true);
  });

  it('is for owners and app admins only, and unknown or foreign channels are not found', async () => {
    const { app, ann, bob, channel } = await channelOfTwo();
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}`, { token: bob.token })).toMatchObject({
      status: 403,
      body: { code: 'HEYYO_ERR_FORBIDDEN' },
    });
    const outsider = await ctx.newUser(app);
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}`, { token: outsider.token })).toMatchObject({ status: 403 });
    const stranger = await ctx.newUser();
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}`, { token: stranger.token })).toMatchObject({ status: 404 });
    expect(await ctx.request('DELETE', `/api/channels/${randomUUID()}`, { token: ann.token })).toMatchObject({ status: 404 });
    expect(await ctx.request('GET', `/api/channels/${channel.id}`, { token: bob.token })).toMatchObject({ status: 200 });

    const admin = await ctx.request('POST', '/api/auth/token', {
      body: { api_key: app.api_key, api_secret: app.api_secret, user_id: 'the-admin', role: 'admin' },
    });
    expect(await ctx.request('DELETE', `/api/channels/${channel.id}`, { token: admin.body.token })).toMatchObject({ status: 200 });
    expect(await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token })).toMatchObject({ status: 404 });
  });
});
