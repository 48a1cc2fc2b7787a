/**
 * Limits per user and per app, not per connection (issue 12, item 3): one write budget per user
 * shared by all their sockets and their REST calls, and caps on live sockets per user and per app.
 * Runs on both engines (Redis, and the memory engine's in-process counters).
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import type { TestApp, TestUser } from '../support/factories.ts';
import { useNodeContext, type NodeContext } from '../support/node-context.ts';
import { emitWithAck, type ClientSocket } from '../support/sockets.ts';

const RATE_LIMITED = { error: expect.stringMatching(/^Too many messages and reactions, retry in \d+ s$/), code: 'HEYYO_ERR_RATE_LIMITED' };

const messagesUrl = (channelId: string) => `/api/channels/${channelId}/messages`;

/** An app with a channel of `size` members; the first is its owner. */
async function room(ctx: NodeContext, size = 2) {
  const app = await ctx.newApp();
  const users: TestUser[] = [];
  for (let index = 0; index < size; index++) users.push(await ctx.newUser(app));
  const channel = await ctx.newChannel(users[0]!, { members: users.slice(1).map((user) => user.id) });
  return { app, users, channel };
}

/** The connect_error of a handshake that must fail. */
async function refused(ctx: NodeContext, token: string): Promise<Error & { data?: unknown }> {
  const outcome = await ctx.connect(token).then(
    (socket) => {
      socket.close();
      return undefined;
    },
    (error: Error) => error,
  );
  if (!outcome) throw new Error('the handshake was expected to fail but connected');
  return outcome;
}

describe('one write budget per user, shared by their sockets and REST (HEYYO_USER_WRITES_PER_WINDOW=12)', () => {
  // A window far longer than a test: no budget refills halfway.
  const ctx = useNodeContext({ env: { HEYYO_USER_WRITES_PER_WINDOW: '12', HEYYO_USER_WRITE_WINDOW_SECONDS: '600' } });

  it('stores 12 of 45 messages sent at once from 4 sockets and REST, and refuses the rest', async () => {
    const { users, channel } = await room(ctx);
    const [writer, other] = users as [TestUser, TestUser];
    const sockets = await Promise.all(Array.from({ length: 4 }, () => ctx.connect(writer.token)));

    const [acks, posts] = await Promise.all([
      Promise.all(
        sockets.flatMap((socket, socketIndex) =>
          Array.from({ length: 10 }, (_, index) => emitWithAck(socket, 'message.send', { channelId: channel.id, text: `ws ${socketIndex}.${index}` })),
        ),
      ),
      Promise.all(Array.from({ length: 5 }, (_, index) => ctx.request('POST', messagesUrl(channel.id), { token: writer.token, body: { text: `rest ${index}` } }))),
    ]);

    const stored = acks.filter((ack) => ack.message).length + posts.filter((post) => post.status === 201).length;
    expect(stored).toBe(12);
    for (const ack of acks.filter((candidate) => !candidate.message)) expect(ack).toEqual(RATE_LIMITED);
    for (const post of posts.filter((candidate) => candidate.status !== 201)) {
      expect(post.status).toBe(429);
      expect(post.body).toEqual(RATE_LIMITED);
      expect(Number(post.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(post.headers['retry-after'])).toBeLessThanOrEqual(600);
    }
    const listed = await ctx.request('GET', `${messagesUrl(channel.id)}?limit=100`, { token: other.token });
    expect(listed.body).toHaveLength(12);

    // The budget is the user's: another member of the same channel and app still writes.
    expect((await ctx.request('POST', messagesUrl(channel.id), { token: other.token, body: { text: 'mine' } })).status).toBe(201);
    // A new socket of the spent user starts with a fresh per-connection bucket, not a fresh budget.
    const late = await ctx.connect(writer.token);
    expect(await emitWithAck(late, 'message.send', { channelId: channel.id, text: 'one more' })).toEqual(RATE_LIMITED);
  });

  it('spends one budget for messages and reactions, by REST and socket alike', async () => {
    const { users, channel } = await room(ctx);
    const [owner, reactor] = users as [TestUser, TestUser];
    const target = await ctx.send(owner, channel.id, { text: 'react to me' });
    const socket = await ctx.connect(reactor.token);
    const reactionsUrl = `${messagesUrl(channel.id)}/${target.id}/reactions`;
    const writes: (() => Promise<unknown>)[] = [
      () => ctx.request('POST', messagesUrl(channel.id), { token: reactor.token, body: { text: 'rest' } }),
      () => ctx.request('POST', reactionsUrl, { token: reactor.token, body: { type: ':a:' } }),
      () => ctx.request('DELETE', `${reactionsUrl}/${encodeURIComponent(':a:')}`, { token: reactor.token }),
      () => emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'ws' }),
      () => emitWithAck(socket, 'reaction.add', { messageId: target.id, type: ':b:' }),
      () => emitWithAck(socket, 'reaction.remove', { messageId: target.id, type: ':b:' }),
    ];
    // Twice each kind: the 12 writes of the window.
    for (const write of [...writes, ...writes]) await write();

    const refusals = [
      await ctx.request('POST', messagesUrl(channel.id), { token: reactor.token, body: { text: 'rest' } }),
      await ctx.request('POST', reactionsUrl, { token: reactor.token, body: { type: ':c:' } }),
      await ctx.request('DELETE', `${reactionsUrl}/${encodeURIComponent(':a:')}`, { token: reactor.token }),
    ];
    for (const response of refusals) {
      expect(response.status).toBe(429);
      expect(response.body).toEqual(RATE_LIMITED);
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
    }
    expect(await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'ws' })).toEqual(RATE_LIMITED);
    expect(await emitWithAck(socket, 'reaction.add', { messageId: target.id, type: ':c:' })).toEqual(RATE_LIMITED);
    expect(await emitWithAck(socket, 'reaction.remove', { messageId: target.id, type: ':b:' })).toEqual(RATE_LIMITED);

    // Reading and other events spend nothing.
    expect((await ctx.request('GET', messagesUrl(channel.id), { token: reactor.token })).status).toBe(200);
    expect(await emitWithAck(socket, 'typing.start', { channelId: channel.id })).toEqual({ success: true });
  });
});

describe('the write budget refills when its window ends (HEYYO_USER_WRITES_PER_WINDOW=3, 1 s)', () => {
  const ctx = useNodeContext({ env: { HEYYO_USER_WRITES_PER_WINDOW: '3', HEYYO_USER_WRITE_WINDOW_SECONDS: '1' } });

  it('serves the user again after the retry-after it was told', async () => {
    const { users, channel } = await room(ctx);
    const [writer] = users as [TestUser];
    const post = () => ctx.request('POST', messagesUrl(channel.id), { token: writer.token, body: { text: 'hi' } });
    // The window starts at the user's first write: these four fall in it.
    const responses = [];
    for (let index = 0; index < 4; index++) responses.push(await post());
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 429]);
    expect(responses[3]!.headers['retry-after']).toBe('1');
    // Time is what is tested here: wait what the client was told, and be served.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await post()).status).toBe(201);
  });
});

describe('connection caps (HEYYO_MAX_CONNECTIONS_PER_USER=3, HEYYO_MAX_CONNECTIONS_PER_APP=5)', () => {
  const ctx = useNodeContext({ env: { HEYYO_MAX_CONNECTIONS_PER_USER: '3', HEYYO_MAX_CONNECTIONS_PER_APP: '5' } });

  const users = async (app: TestApp, count: number) => {
    const made: TestUser[] = [];
    for (let index = 0; index < count; index++) made.push(await ctx.newUser(app));
    return made;
  };

  it("refuses a user's 4th socket with HEYYO_ERR_RATE_LIMITED, and takes one again once a socket closed", async () => {
    const app = await ctx.newApp();
    const [ann, bob] = await users(app, 2);
    const open: ClientSocket[] = [];
    for (let index = 0; index < 3; index++) open.push(await ctx.connect(ann!.token));

    const error = await refused(ctx, ann!.token);
    expect(error.message).toBe('Too many connections for this user (at most 3): close one, or retry later');
    expect(error.data).toEqual({ code: 'HEYYO_ERR_RATE_LIMITED' });
    // Another user of the app is counted apart.
    await ctx.connect(bob!.token);

    open[0]!.close();
    // The server forgets the closed socket when its disconnect is processed.
    await eventually(() => ctx.connect(ann!.token).catch(() => undefined), 'a socket in the freed slot', 5000, 50);
  });

  it("refuses the app's 6th socket, whoever opens it, while other apps connect", async () => {
    const app = await ctx.newApp();
    const [ann, bob, cid, dan] = await users(app, 4);
    for (const user of [ann, ann, bob, bob, cid]) await ctx.connect(user!.token);

    const error = await refused(ctx, dan!.token);
    expect(error.message).toBe('Too many connections for this app (at most 5): retry later');
    expect(error.data).toEqual({ code: 'HEYYO_ERR_RATE_LIMITED' });
    const [elsewhere] = await users(await ctx.newApp(), 1);
    await ctx.connect(elsewhere!.token);
  });

  it('lets exactly 3 of 10 simultaneous handshakes of one user through', async () => {
    const [ann] = await users(await ctx.newApp(), 1);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => ctx.connect(ann!.token)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    for (const outcome of outcomes.filter((candidate) => candidate.status === 'rejected')) {
      expect((outcome as PromiseRejectedResult).reason.data).toEqual({ code: 'HEYYO_ERR_RATE_LIMITED' });
    }
  });
});
