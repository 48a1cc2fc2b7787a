/**
 * A user who leaves a channel, or is removed from it, through one node loses it on every node
 * within a second: the other API node and both gateways refuse their sends and reads although
 * they remembered the membership, and none of their sockets, on either gateway, gets the
 * channel's events after.
 */
import { describe, expect, it } from 'vitest';
import { useCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { emitWithAck, nextEvent, record } from '../support/sockets.ts';

const WITHIN_MS = 1000;

describe('losing a channel in a cluster of 2 API nodes and 2 gateways', () => {
  const ctx = useCluster({ apiNodes: 2, gatewayNodes: 2 });

  /** Bob, a member remembered by every node: he sent through both API nodes and both gateways. */
  async function bobKnownEverywhere() {
    const app = await ctx.newApp();
    const [ann, bob] = [await ctx.newUser(app, { externalId: 'ann' }), await ctx.newUser(app, { externalId: 'bob' })];
    const channel = await ctx.newChannel(ann, { members: [bob.id] });
    const annSocket = await ctx.connect(0, ann.token);
    const bobSockets = [await ctx.connect(0, bob.token), await ctx.connect(1, bob.token)];
    for (const [index, socket] of bobSockets.entries()) {
      expect((await emitWithAck(socket, 'message.send', { channelId: channel.id, text: `gateway ${index}` })).message).toBeDefined();
    }
    for (const index of [0, 1]) {
      const posted = await ctx.requestVia(index)('POST', `/api/channels/${channel.id}/messages`, { token: bob.token, body: { text: `api ${index}` } });
      expect(posted.status).toBe(201);
    }
    return { ann, bob, channel, annSocket, bobSockets };
  }

  async function expectLostEverywhere(bob: { token: string }, channelId: string, bobSockets: Awaited<ReturnType<typeof ctx.connect>>[]) {
    const startedAt = Date.now();
    for (const socket of bobSockets) {
      await eventually(
        async () => (await emitWithAck(socket, 'message.send', { channelId, text: 'after leaving' })).code === 'HEYYO_ERR_NOT_MEMBER',
        'a gateway to refuse the send',
        WITHIN_MS,
        50,
      );
    }
    for (const index of [0, 1]) {
      await eventually(
        async () => (await ctx.requestVia(index)('POST', `/api/channels/${channelId}/messages`, { token: bob.token, body: { text: 'after leaving' } })).status === 403,
        `API node ${index} to refuse the send`,
        WITHIN_MS,
        50,
      );
      expect((await ctx.requestVia(index)('GET', `/api/channels/${channelId}/messages`, { token: bob.token })).status).toBe(403);
    }
    expect(Date.now() - startedAt).toBeLessThan(2 * WITHIN_MS);
  }

  it('left through API node 1: refused by API node 2 and both gateways, and no more events on either gateway', async () => {
    const { ann, bob, channel, annSocket, bobSockets } = await bobKnownEverywhere();
    const heardLeft = bobSockets.map((socket) => nextEvent(socket, 'member.left'));
    const bobReceives = bobSockets.map((socket) => record(socket, 'message.new'));
    const annHears = nextEvent(annSocket, 'member.left');

    expect((await ctx.requestVia(0)('POST', `/api/channels/${channel.id}/leave`, { token: bob.token })).status).toBe(200);
    await expectLostEverywhere(bob, channel.id, bobSockets);
    const left = { channelId: channel.id, userId: bob.id, externalId: 'bob' };
    expect(await annHears).toEqual(left);
    for (const heard of await Promise.all(heardLeft)) expect(heard).toEqual(left);

    // A message from each API node and from the gateway ann is on: delivered to her, to neither of bob's sockets.
    for (const index of [0, 1]) {
      const delivered = nextEvent(annSocket, 'message.new', (message) => message.text === `ann via api ${index}`);
      await ctx.requestVia(index)('POST', `/api/channels/${channel.id}/messages`, { token: ann.token, body: { text: `ann via api ${index}` } });
      await delivered;
    }
    const viaSocket = nextEvent(annSocket, 'message.new', (message) => message.text === 'ann via gateway 1');
    await emitWithAck(annSocket, 'message.send', { channelId: channel.id, text: 'ann via gateway 1' });
    await viaSocket;
    // Each of bob's gateways got those broadcasts after the leave (same Redis connection, in order).
    expect(bobReceives).toEqual([[], []]);
  });

  it('removed by the owner through API node 2: refused by API node 1 and both gateways, told on both', async () => {
    const { ann, bob, channel, bobSockets } = await bobKnownEverywhere();
    const heard = bobSockets.map((socket) => nextEvent(socket, 'member.removed'));
    const removed = await ctx.requestVia(1)('DELETE', `/api/channels/${channel.id}/members/${bob.id}`, { token: ann.token });
    expect(removed.status).toBe(200);
    await expectLostEverywhere(bob, channel.id, bobSockets);
    for (const event of await Promise.all(heard)) {
      expect(event).toEqual({ channelId: channel.id, userId: bob.id, externalId: 'bob', removedBy: ann.id });
    }
  });

  it('left through a socket on gateway 1: refused by gateway 2 and both API nodes', async () => {
    const { channel, bob, bobSockets } = await bobKnownEverywhere();
    expect(await emitWithAck(bobSockets[0]!, 'channel.leave', { channelId: channel.id })).toEqual({ success: true });
    await expectLostEverywhere(bob, channel.id, bobSockets);
  });
});
