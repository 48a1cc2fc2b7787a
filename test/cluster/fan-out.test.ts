import { describe, expect, it } from 'vitest';
import { useCluster } from '../support/cluster-context.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

/** 2 API nodes and 2 gateway nodes as separate processes on one Postgres and one Redis. */
describe('a cluster of 2 API nodes and 2 gateways', () => {
  const ctx = useCluster({ apiNodes: 2, gatewayNodes: 2 });

  async function twoMembersOnTwoGateways() {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    const [onFirst, onSecond] = [await ctx.connect(0, ann.token), await ctx.connect(1, bob.token)];
    return { ann, bob, channel, onFirst, onSecond };
  }

  it('delivers a message sent on gateway 2 to a client on gateway 1', async () => {
    const { channel, onFirst, onSecond } = await twoMembersOnTwoGateways();
    const received = nextEvent(onFirst, 'message.new', (message) => message.text === 'from gateway 2');
    const ack = await emitWithAck(onSecond, 'message.send', { channelId: channel.id, text: 'from gateway 2' });
    expect(ack.message).toMatchObject({ channel_id: channel.id, seq: 1, user: { external_id: 'bob' } });
    expect(await received).toEqual(ack.message);
  });

  it('delivers a message POSTed to API node 2 to clients on both gateways', async () => {
    const { ann, channel, onFirst, onSecond } = await twoMembersOnTwoGateways();
    const onBoth = [onFirst, onSecond].map((socket) => nextEvent(socket, 'message.new', (message) => message.text === 'via api-2'));
    const posted = await ctx.requestVia(1)('POST', `/api/channels/${channel.id}/messages`, {
      token: ann.token,
      body: { text: 'via api-2' },
    });
    expect(posted.status).toBe(201);
    for (const delivered of await Promise.all(onBoth)) expect(delivered).toEqual(posted.body);
  });

  it('relays typing to the other gateway and not back to the typist', async () => {
    const { ann, bob, channel, onFirst, onSecond } = await twoMembersOnTwoGateways();
    const typingSeenByBob = record(onSecond, 'typing.start');
    const typing = nextEvent(onFirst, 'typing.start');
    await emitWithAck(onSecond, 'typing.start', { channelId: channel.id });
    expect(await typing).toEqual({ channelId: channel.id, userId: bob.id, externalId: 'bob' });

    // Barrier: Bob's own next message arrives after the typing event was published,
    // so a typing echo to Bob would have arrived before it.
    const barrier = nextEvent(onSecond, 'message.new', (message) => message.text === 'barrier');
    await emitWithAck(onSecond, 'message.send', { channelId: channel.id, text: 'barrier' });
    await barrier;
    expect(typingSeenByBob).toEqual([]);
    expect(ann.id).not.toBe(bob.id);
  });

  it('puts a member added through API node 2 into the room on every gateway at once', async () => {
    const app = await ctx.newApp();
    const [owner, cara] = [await ctx.newUser(app), await ctx.newUser(app, { externalId: 'cara' })];
    const channel = await ctx.newChannel(owner);
    // Cara is connected to both gateways before she is a member.
    const caraSockets = [await ctx.connect(0, cara.token), await ctx.connect(1, cara.token)];
    const ownerSocket = await ctx.connect(0, owner.token);

    const joinedSeen = nextEvent(ownerSocket, 'member.joined', (event) => event.userId === cara.id);
    const added = await ctx.requestVia(1)('POST', `/api/channels/${channel.id}/members`, {
      token: owner.token,
      body: { user_id: cara.id },
    });
    expect(added.status).toBe(200);
    expect(await joinedSeen).toEqual({ channelId: channel.id, userId: cara.id, externalId: 'cara', version: expect.any(Number) });

    const deliveries = caraSockets.map((socket) => nextEvent(socket, 'message.new', (message) => message.text === 'welcome'));
    await ctx.requestVia(0)('POST', `/api/channels/${channel.id}/messages`, { token: owner.token, body: { text: 'welcome' } });
    await Promise.all(deliveries);
  });

  it('joins over WS on one gateway and hears messages sent through the other', async () => {
    const app = await ctx.newApp();
    const [owner, dan] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(owner);
    const [ownerSocket, danSocket] = [await ctx.connect(1, owner.token), await ctx.connect(0, dan.token)];
    expect(await emitWithAck(danSocket, 'channel.join', { channelId: channel.id })).toEqual({ success: true });
    const delivered = nextEvent(danSocket, 'message.new', (message) => message.text === 'hi dan');
    await emitWithAck(ownerSocket, 'message.send', { channelId: channel.id, text: 'hi dan' });
    await delivered;
  });

  it('shows presence across nodes and in channel details on either API node', async () => {
    const { ann, bob, channel, onFirst, onSecond } = await twoMembersOnTwoGateways();
    for (const api of [0, 1]) {
      const details = await ctx.requestVia(api)('GET', `/api/channels/${channel.id}`, { token: ann.token });
      expect(details.body.members.map((member: { is_online: boolean }) => member.is_online)).toEqual([true, true]);
    }
    const presenceSeen = record(onFirst, 'presence.changed');
    const offline = nextEvent(onFirst, 'presence.changed', (event) => event.userId === bob.id && event.status === 'offline');
    // Bob on both gateways: closing the gateway-1 connection leaves him online…
    const bobOnFirst = await ctx.connect(0, bob.token);
    bobOnFirst.close();
    // …and closing the last one, on gateway 2, takes him offline, announced once.
    onSecond.close();
    expect(await offline).toEqual({ userId: bob.id, externalId: 'bob', status: 'offline' });
    expect(presenceSeen.filter((event) => event.userId === bob.id)).toEqual([
      { userId: bob.id, externalId: 'bob', status: 'offline' },
    ]);
    const after = await ctx.requestVia(1)('GET', `/api/channels/${channel.id}`, { token: ann.token });
    expect(after.body.members.find((member: { id: string }) => member.id === bob.id).is_online).toBe(false);
  });
});
