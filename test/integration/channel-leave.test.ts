/**
 * Leaving a channel (REST `POST /api/channels/:id/leave`, socket `channel.leave`): the membership
 * ends at once — for reads, sends and typing, even where the node remembered it — the user's
 * connections leave the room, and members and the leaver's own connections hear `member.left`.
 */
import { describe, expect, it } from 'vitest';
import { useNodeContext } from '../support/node-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

describe('leaving a channel', () => {
  const ctx = useNodeContext();

  async function pair() {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    return { app, ann, bob, channel };
  }

  it('ends the membership for reads and sends at once, even one the node remembered', async () => {
    const { ann, bob, channel } = await pair();
    // A send and a typing event: the node now remembers bob's membership.
    await ctx.send(bob, channel.id, { text: 'before' });
    const bobSocket = await ctx.connect(bob.token);
    expect(await emitWithAck(bobSocket, 'typing.start', { channelId: channel.id })).toEqual({ success: true });

    const left = await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: bob.token });
    expect(left).toMatchObject({ status: 200, body: { message: 'Left channel' } });

    const send = await ctx.request('POST', `/api/channels/${channel.id}/messages`, { token: bob.token, body: { text: 'after' } });
    expect(send).toMatchObject({ status: 403, body: { code: 'HEYYO_ERR_NOT_MEMBER' } });
    expect(await emitWithAck(bobSocket, 'message.send', { channelId: channel.id, text: 'after' })).toMatchObject({ code: 'HEYYO_ERR_NOT_MEMBER' });
    expect(await emitWithAck(bobSocket, 'typing.start', { channelId: channel.id })).toMatchObject({ code: 'HEYYO_ERR_NOT_MEMBER' });
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: bob.token })).status).toBe(403);
    // As for any non-member (the seed's rule for channel details).
    expect((await ctx.request('GET', `/api/channels/${channel.id}`, { token: bob.token })).status).toBe(404);
    const bobsChannels = await ctx.request('GET', '/api/channels', { token: bob.token });
    expect(bobsChannels.body.map((item: { id: string }) => item.id)).not.toContain(channel.id);

    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token });
    expect(details.body.member_count).toBe(1);
    expect(details.body.members.map((member: { id: string }) => member.id)).toEqual([ann.id]);
    const history = await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: ann.token });
    expect(history.body.map((message: { text: string }) => message.text)).toEqual(['before']);
  });

  it('takes every connection of the leaver out of the room, and tells members and the leaver', async () => {
    const { ann, bob, channel } = await pair();
    const [annSocket, bobPhone, bobLaptop] = [await ctx.connect(ann.token), await ctx.connect(bob.token), await ctx.connect(bob.token)];
    const bobPhoneMessages = record(bobPhone, 'message.new');
    const bobLaptopMessages = record(bobLaptop, 'message.new');
    const annHears = nextEvent(annSocket, 'member.left');
    const laptopHears = nextEvent(bobLaptop, 'member.left');
    const phoneLeftEvents = record(bobPhone, 'member.left');

    expect(await emitWithAck(bobPhone, 'channel.leave', { channelId: channel.id })).toEqual({ success: true });
    const expected = { channelId: channel.id, userId: bob.id, externalId: 'bob', version: expect.any(Number) };
    expect(await annHears).toEqual(expected);
    expect(await laptopHears).toEqual(expected);

    const annReceives = nextEvent(annSocket, 'message.new', (message) => message.text === 'after bob left');
    await ctx.send(ann, channel.id, { text: 'after bob left' });
    await annReceives;
    // The same fan-out that reached ann had nothing for bob's connections.
    expect(bobPhoneMessages).toEqual([]);
    expect(bobLaptopMessages).toEqual([]);
    expect(phoneLeftEvents).toEqual([expected]);
  });

  it('changes nothing when the user is not a member, and refuses other apps and bad ids', async () => {
    const { app, ann, channel } = await pair();
    const outsider = await ctx.newUser(app);
    const stranger = await ctx.newUser();
    expect((await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: outsider.token })).status).toBe(200);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: outsider.token })).status).toBe(403);
    const otherApp = await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: stranger.token });
    expect(otherApp).toMatchObject({ status: 404, body: { code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' } });
    expect((await ctx.request('POST', '/api/channels/not-a-uuid/leave', { token: outsider.token })).status).toBe(404);
    const socket = await ctx.connect(stranger.token);
    expect(await emitWithAck(socket, 'channel.leave', { channelId: channel.id })).toMatchObject({ code: 'HEYYO_ERR_CHANNEL_NOT_FOUND' });
    expect(await emitWithAck(socket, 'channel.leave', {})).toMatchObject({ code: 'HEYYO_ERR_VALIDATION' });
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: ann.token });
    expect(details.body.member_count).toBe(2);
  });

  it("refuses the last owner of a channel with members, and lets them go once they're alone", async () => {
    const { ann, bob, channel } = await pair();
    const refused = await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: ann.token });
    expect(refused).toMatchObject({ status: 409, body: { code: 'HEYYO_ERR_LAST_OWNER' } });
    expect(refused.body.error).toMatch(/^The last owner cannot leave/);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: ann.token })).status).toBe(200);

    expect((await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: bob.token })).status).toBe(200);
    expect((await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: ann.token })).status).toBe(200);
    expect((await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: ann.token })).status).toBe(403);
  });

  it('lets a user who left join again, with the history read', async () => {
    const { ann, bob, channel } = await pair();
    await ctx.send(ann, channel.id, { text: 'one' });
    await ctx.request('POST', `/api/channels/${channel.id}/leave`, { token: bob.token });
    await ctx.send(ann, channel.id, { text: 'two' });
    expect((await ctx.request('POST', `/api/channels/${channel.id}/join`, { token: bob.token })).status).toBe(200);
    const history = await ctx.request('GET', `/api/channels/${channel.id}/messages`, { token: bob.token });
    expect(history.body.map((message: { text: string }) => message.text)).toEqual(['one', 'two']);
    const listed = (await ctx.request('GET', '/api/channels', { token: bob.token })).body.find((item: { id: string }) => item.id === channel.id);
    expect(listed).toMatchObject({ unread_count: 0, member_count: 2 });
  });
});
