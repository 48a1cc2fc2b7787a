/**
 * The per-user limits across nodes (issue 12, item 3): one write budget per user, spent on two
 * gateways and two API nodes together, and the per-user connection cap counted on every gateway,
 * freed by the presence TTL when a gateway dies with its sockets.
 */
import { describe, expect, it } from 'vitest';
import { useCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import type { TestUser } from '../support/factories.ts';
import { connectClient, emitWithAck } from '../support/sockets.ts';

describe('per-user limits on 2 API nodes and 2 gateways sharing Redis', () => {
  const ctx = useCluster({
    apiNodes: 2,
    gatewayNodes: 2,
    workerNodes: 0,
    env: {
      HEYYO_USER_WRITES_PER_WINDOW: '10',
      HEYYO_USER_WRITE_WINDOW_SECONDS: '600',
      HEYYO_MAX_CONNECTIONS_PER_USER: '3',
      // Forty writes at once on four nodes of a 2-core machine: no budget call may fail open on a slow round trip.
      HEYYO_REDIS_DEADLINE_MS: '5000',
    },
  });

  async function member() {
    const app = await ctx.newApp();
    const [owner, user] = [await ctx.newUser(app), await ctx.newUser(app)] as [TestUser, TestUser];
    const channel = await ctx.newChannel(owner, { members: [user.id] });
    return { owner, user, channel };
  }

  it("stores 10 of 40 messages sent at once through both gateways and both API nodes: one user's one budget", async () => {
    const { owner, user, channel } = await member();
    const sockets = [await ctx.connect(0, user.token), await ctx.connect(1, user.token), await ctx.connect(1, user.token)];
    const [acks, posts] = await Promise.all([
      Promise.all(
        sockets.flatMap((socket, socketIndex) =>
          Array.from({ length: 10 }, (_, index) => emitWithAck(socket, 'message.send', { channelId: channel.id, text: `ws ${socketIndex}.${index}` })),
        ),
      ),
      Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          ctx.requestVia(index % 2)('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: `rest ${index}` } }),
        ),
      ),
    ]);

    expect(acks.filter((ack) => ack.message).length + posts.filter((post) => post.status === 201).length).toBe(10);
    for (const ack of acks.filter((candidate) => !candidate.message)) expect(ack.code).toBe('HEYYO_ERR_RATE_LIMITED');
    for (const post of posts.filter((candidate) => candidate.status !== 201)) {
      expect(post.status).toBe(429);
      expect(post.body.code).toBe('HEYYO_ERR_RATE_LIMITED');
      expect(post.headers['retry-after']).toMatch(/^\d+$/);
    }
    const listed = await ctx.requestVia(1)('GET', `/api/channels/${channel.id}/messages?limit=100`, { token: owner.token });
    expect(listed.body).toHaveLength(10);
  });

  it("refuses a user's 4th socket on either gateway", async () => {
    const { user } = await member();
    for (const gateway of [0, 1, 0]) await ctx.connect(gateway, user.token);
    for (const gateway of [1, 0]) {
      const refused = await ctx.connect(gateway, user.token).then(
        () => undefined,
        (error: Error & { data?: unknown }) => error,
      );
      expect(refused?.message).toMatch(/^Too many connections for this user \(at most 3\)/);
      expect(refused?.data).toEqual({ code: 'HEYYO_ERR_RATE_LIMITED' });
    }
  });

  it('frees the slots of a SIGKILLed gateway once their presence TTL passed, with no disconnect', async () => {
    const { user } = await member();
    const doomed = await ctx.cluster.add('gateway');
    await ctx.connect(0, user.token);
    for (let index = 0; index < 2; index++) await connectClient(doomed.url, user.token);
    expect(await doomed.stop('SIGKILL')).toBeNull();

    // Its two sockets still count: their last heartbeat was under a TTL (2 s) ago.
    const refused = await ctx.connect(1, user.token).then(
      () => undefined,
      (error: Error & { data?: unknown }) => error,
    );
    expect(refused?.data).toEqual({ code: 'HEYYO_ERR_RATE_LIMITED' });
    // Then they lapse (each at its own expiry), and the user gets both slots back on the living gateways.
    for (const gateway of [1, 0]) {
      await eventually(() => ctx.connect(gateway, user.token).catch(() => undefined), 'a slot freed by the TTL', 10_000, 100);
    }
  });
});
