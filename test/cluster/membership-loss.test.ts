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

  type Sockets = Awaited<ReturnType<typeof ctx.connect>>[];

  /** Bob's sends refused with `code` by both gateways and both API nodes, within a second of the change. */
  async function expectSendsRefusedEverywhere(bob: { token: string }, channelId: string, bobSockets: Sockets, code: string) {
    const startedAt = Date.now();
    for (const socket of bobSockets) {
      await eventually(
        async () => (await emitWithAck(socket, 'message.send', { channelId, text: 'after the change' })).code === code,
        `a gateway to refuse the send with ${code}`,
        WITHIN_MS,
        50,
      );
    }
    for (const index of [0, 1]) {
      await eventually(
        async () =>
          (await ctx.requestVia(index)('POST', `/api/channels/${channelId}/messages`, { token: bob.token, body: { text: 'after the change' } })).body
            .code === code,
        `API node ${index} to refuse the send with ${code}`,
        WITHIN_MS,
        50,
      );
    }
    expect(Date.now() - startedAt).toBeLessThan(2 * WITHIN_MS);
  }

  /** Bob's sends and reads refused everywhere: the membership is gone on every node. */
  async function expectLostEverywhere(bob: { token: string }, channelId: string, bobSockets: Sockets, code = 'HEYYO_ERR_NOT_MEMBER') {
    await expectSendsRefusedEverywhere(bob, channelId, bobSockets, code);
    for (const index of [0, 1]) {
      expect((await ctx.requestVia(index)('GET', `/api/channels/${channelId}/messages`, { token: bob.token })).body.code).toBe(code);
    }
  }

  it('left through API node 1: refused by API node 2 and both gateways, and no more events on either gateway', async () => {
    const { ann, bob, channel, annSocket, bobSockets } = await bobKnownEverywhere();
    const heardLeft = bobSockets.map((socket) => nextEvent(socket, 'member.left'));
    const bobReceives = bobSockets.map((socket) => record(socket, 'message.new'));
    const annHears = nextEvent(annSocket, 'member.left');

    expect((await ctx.requestVia(0)('POST', `/api/channels/${channel.id}/leave`, { token: bob.token })).status).toBe(200);
    await expectLostEverywhere(bob, channel.id, bobSockets);
    const left = { channelId: channel.id, userId: bob.id, externalId: 'bob', version: expect.any(Number) };
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
    // Each of bob's gateways got those broadcasts after the leave (same Redis connection, in order). (A send of bob's
    // that a node accepted before it heard of the leave may still reach him: what is refused after is the claim.)
    expect(bobReceives.map((received) => received.filter((message) => message.user_id === ann.id))).toEqual([[], []]);
  });

  it('removed by the owner through API node 2: refused by API node 1 and both gateways, told on both', async () => {
    const { ann, bob, channel, bobSockets } = await bobKnownEverywhere();
    const heard = bobSockets.map((socket) => nextEvent(socket, 'member.removed'));
    const removed = await ctx.requestVia(1)('DELETE', `/api/channels/${channel.id}/members/${bob.id}`, { token: ann.token });
    expect(removed.status).toBe(200);
    await expectLostEverywhere(bob, channel.id, bobSockets);
    for (const event of await Promise.all(heard)) {
      expect(event).toEqual({ channelId: channel.id, userId: bob.id, externalId: 'bob', removedBy: ann.id, version: expect.any(Number) });
    }
  });

  it('left through a socket on gateway 1: refused by gateway 2 and both API nodes', async () => {
    const { channel, bob, bobSockets } = await bobKnownEverywhere();
    expect(await emitWithAck(bobSockets[0]!, 'channel.leave', { channelId: channel.id })).toEqual({ success: true });
    await expectLostEverywhere(bob, channel.id, bobSockets);
  });

  it('banned through API node 2: refused with HEYYO_ERR_BANNED by API node 1 and both gateways, no more events on either', async () => {
    const { ann, bob, channel, annSocket, bobSockets } = await bobKnownEverywhere();
    const heard = bobSockets.map((socket) => nextEvent(socket, 'member.banned'));
    const bobReceives = bobSockets.map((socket) => record(socket, 'message.new'));
    const banned = await ctx.requestVia(1)('POST', `/api/channels/${channel.id}/bans`, { token: ann.token, body: { user_id: bob.id } });
    expect(banned.status).toBe(200);
    await expectLostEverywhere(bob, channel.id, bobSockets, 'HEYYO_ERR_BANNED');
    for (const event of await Promise.all(heard)) expect(event).toMatchObject({ channelId: channel.id, userId: bob.id, bannedBy: ann.id });
    const delivered = nextEvent(annSocket, 'message.new', (message) => message.text === 'after the ban');
    await ctx.requestVia(0)('POST', `/api/channels/${channel.id}/messages`, { token: ann.token, body: { text: 'after the ban' } });
    await delivered;
    expect(bobReceives.map((received) => received.filter((message) => message.user_id === ann.id))).toEqual([[], []]);
  });

  it('muted through API node 1, then banned app-wide through API node 2: each refused on every node with its code', async () => {
    const { ann, bob, channel, bobSockets } = await bobKnownEverywhere();
    await ctx.requestVia(0)('POST', `/api/channels/${channel.id}/mutes`, { token: ann.token, body: { user_id: bob.id } });
    await expectSendsRefusedEverywhere(bob, channel.id, bobSockets, 'HEYYO_ERR_MUTED');
    await ctx.requestVia(1)('DELETE', `/api/channels/${channel.id}/mutes/${bob.id}`, { token: ann.token });
    const app = { 'x-api-key': bob.app.api_key, 'x-api-secret': bob.app.api_secret };
    expect((await ctx.requestVia(1)('POST', `/api/users/${bob.id}/ban`, { headers: app, body: {} })).status).toBe(200);
    await expectSendsRefusedEverywhere(bob, channel.id, bobSockets, 'HEYYO_ERR_BANNED');
  });

  it('slow mode set through API node 1 holds on API node 2 and both gateways', async () => {
    const { ann, bob, channel, bobSockets } = await bobKnownEverywhere();
    await ctx.requestVia(0)('PATCH', `/api/channels/${channel.id}`, { token: ann.token, body: { slow_mode_seconds: 60 } });
    // One message through gateway 1 (once the interval reached it); then every node refuses the next.
    await eventually(
      async () => (await emitWithAck(bobSockets[0]!, 'message.send', { channelId: channel.id, text: 'in slow mode' })).message !== undefined,
      'the first message in slow mode',
      WITHIN_MS,
      50,
    );
    await expectSendsRefusedEverywhere(bob, channel.id, bobSockets, 'HEYYO_ERR_SLOW_MODE');
  });

  it('channel deleted through API node 2: 404 on API node 1 and both gateways, every socket told', async () => {
    const { ann, bob, channel, annSocket, bobSockets } = await bobKnownEverywhere();
    const heard = [annSocket, ...bobSockets].map((socket) => nextEvent(socket, 'channel.deleted'));
    expect((await ctx.requestVia(1)('DELETE', `/api/channels/${channel.id}`, { token: ann.token })).status).toBe(200);
    await expectLostEverywhere(bob, channel.id, bobSockets, 'HEYYO_ERR_CHANNEL_NOT_FOUND');
    for (const event of await Promise.all(heard)) expect(event).toEqual({ channelId: channel.id, deletedBy: ann.id });
  });
});
