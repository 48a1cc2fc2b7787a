/**
 * A node whose Postgres and Redis each sit behind a TCP proxy the test breaks: stalled (a
 * partition: no error, no reply) or cut (down: connections dropped and refused). Whatever
 * breaks, a request is answered fast — 503 HEYYO_ERR_UNAVAILABLE with retry-after when it
 * needed the dependency, its normal answer when it could do without — and nothing is
 * half-written: a retried send is stored once. Redis-only (REDIS_ONLY in vitest.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import type { TestUser } from '../support/factories.ts';
import { connectClient, emitWithAck } from '../support/sockets.ts';
import { useNodeBehindProxies } from '../support/node-behind-proxies.ts';

const DB_DEADLINE_MS = 500;
const REDIS_DEADLINE_MS = 300;
/** Scheduling slack on a busy 2-core machine. */
const SLACK_MS = 700;

describe('a dependency that stalls or goes down', () => {
  const ctx = useNodeBehindProxies({
    label: 'outage',
    proxied: ['postgres', 'redis'],
    env: { HEYYO_DB_DEADLINE_MS: String(DB_DEADLINE_MS), HEYYO_REDIS_DEADLINE_MS: String(REDIS_DEADLINE_MS) },
  });
  const { request } = ctx;

  const timed = async <T>(work: () => Promise<T>) => {
    const startedAt = performance.now();
    const result = await work();
    return { result, ms: performance.now() - startedAt };
  };
  const history = async (user: TestUser, channelId: string) =>
    (await request('GET', `/api/channels/${channelId}/messages?limit=100`, { token: user.token })).body as { client_id: string | null }[];

  it('Postgres stalled: reads and sends answer 503 with retry-after within the deadline; retried sends are stored once', async () => {
    const app = await ctx.newApp();
    const user = await ctx.newUser(app);
    const channel = await ctx.newChannel(user);
    const socket = await connectClient(ctx.node.url, user.token);

    ctx.proxy('postgres').stall();
    try {
      const read = await timed(() => request('GET', `/api/channels/${channel.id}/messages`, { token: user.token }));
      const send = await timed(() =>
        request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: 'during', client_id: 'rest-1' } }),
      );
      const socketSend = await timed(() =>
        emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'during', clientId: 'socket-1' }),
      );
      for (const { result, ms } of [read, send]) {
        expect(result.status).toBe(503);
        expect(result.body).toEqual({ error: 'Service temporarily unavailable, retry shortly', code: 'HEYYO_ERR_UNAVAILABLE' });
        expect(result.headers['retry-after']).toBe('1');
        expect(ms).toBeLessThan(DB_DEADLINE_MS + SLACK_MS);
      }
      expect(socketSend.result).toEqual({ error: 'Service temporarily unavailable, retry shortly', code: 'HEYYO_ERR_UNAVAILABLE' });
      expect(socketSend.ms).toBeLessThan(DB_DEADLINE_MS + SLACK_MS);
    } finally {
      ctx.proxy('postgres').resume();
    }

    // The client retries, twice even: each send is stored once.
    for (let retry = 0; retry < 2; retry++) {
      const resent = await request('POST', `/api/channels/${channel.id}/messages`, {
        token: user.token,
        body: { text: 'during', client_id: 'rest-1' },
      });
      expect([200, 201]).toContain(resent.status);
      const ack = await emitWithAck(socket, 'message.send', { channelId: channel.id, text: 'during', clientId: 'socket-1' });
      expect(ack).toMatchObject({ message: { client_id: 'socket-1' } });
    }
    expect((await history(user, channel.id)).map((message) => message.client_id).sort()).toEqual(['rest-1', 'socket-1']);
  });

  it('Postgres down: requests are refused at once, and served again once it is back', async () => {
    const app = await ctx.newApp();
    const user = await ctx.newUser(app);
    const channel = await ctx.newChannel(user);

    ctx.proxy('postgres').cut();
    try {
      const read = await timed(() => request('GET', `/api/channels/${channel.id}/messages`, { token: user.token }));
      expect(read.result.status).toBe(503);
      expect(read.result.body.code).toBe('HEYYO_ERR_UNAVAILABLE');
      expect(read.ms).toBeLessThan(DB_DEADLINE_MS + SLACK_MS);
      const ready = await timed(() => request('GET', '/ready'));
      expect(ready.result.status).toBe(503);
      expect(ready.result.body.checks).toEqual({ postgres: 'unavailable', redis: 'ok', load: 'ok' });
      expect(ready.ms).toBeLessThan(500);
    } finally {
      ctx.proxy('postgres').restore();
    }
    await eventually(async () => (await request('GET', '/ready')).status === 200, '/ready to answer 200 again');
    const sent = await request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: 'after' } });
    expect(sent.status).toBe(201);
  });

  it('Redis down: sends are stored and answered at once, what needs Redis is refused at once, and the node reconnects by itself', async () => {
    const app = await ctx.newApp();
    const [user, other] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(user, { members: [other.id] });
    const before = await ctx.send(user, channel.id, { text: 'before' });

    ctx.proxy('redis').cut();
    try {
      // Stored in Postgres: the fan-out is lost, members catch up by seq.
      const send = await timed(() =>
        request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: 'during', client_id: 'r-1' } }),
      );
      expect(send.result.status).toBe(201);
      expect(send.ms).toBeLessThan(REDIS_DEADLINE_MS + SLACK_MS);
      // A reaction is applied by the worker through Redis: refused rather than acknowledged and lost.
      const reaction = await timed(() =>
        request('POST', `/api/channels/${channel.id}/messages/${before.id}/reactions`, { token: user.token, body: { type: 'like' } }),
      );
      expect(reaction.result.status).toBe(503);
      expect(reaction.result.body.code).toBe('HEYYO_ERR_UNAVAILABLE');
      expect(reaction.ms).toBeLessThan(REDIS_DEADLINE_MS + SLACK_MS);
      // A socket needs presence: its handshake is refused, retryably.
      const refused = await connectClient(ctx.node.url, other.token).then(
        () => undefined,
        (error: { message: string; data?: { code?: string } }) => error,
      );
      expect(refused?.data?.code).toBe('HEYYO_ERR_UNAVAILABLE');
      const ready = await timed(() => request('GET', '/ready'));
      expect(ready.result.status).toBe(503);
      expect(ready.result.body.checks).toEqual({ postgres: 'ok', redis: 'unavailable', load: 'ok' });
      expect(ready.ms).toBeLessThan(500);
    } finally {
      ctx.proxy('redis').restore();
    }

    await eventually(async () => (await request('GET', '/ready')).status === 200, '/ready to answer 200 again', 10_000);
    const socket = await connectClient(ctx.node.url, other.token);
    const caughtUp = await emitWithAck(socket, 'messages.sync', { channelId: channel.id, afterSeq: before.seq });
    expect(caughtUp.messages.map((message: { text: string }) => message.text)).toEqual(['during']);
  });

  it('Redis stalled: a send is answered within a few command deadlines, never held', async () => {
    const app = await ctx.newApp();
    const user = await ctx.newUser(app);
    const channel = await ctx.newChannel(user);

    ctx.proxy('redis').stall();
    try {
      const send = await timed(() =>
        request('POST', `/api/channels/${channel.id}/messages`, { token: user.token, body: { text: 'stalled', client_id: 's-1' } }),
      );
      expect(send.result.status).toBe(201);
      // The rate limit and three tries of the recount enqueue, each bounded by the command deadline.
      expect(send.ms).toBeLessThan(5 * REDIS_DEADLINE_MS + SLACK_MS);
    } finally {
      ctx.proxy('redis').resume();
    }
    expect((await history(user, channel.id)).map((message) => message.client_id)).toEqual(['s-1']);
  });
});
