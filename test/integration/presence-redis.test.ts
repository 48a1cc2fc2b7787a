/**
 * The Redis keys behind presence through the gateway (FAST_PRESENCE: TTL 2000 ms,
 * heartbeat 500 ms, sweep 250 ms): one sorted set of connections per user scored by
 * expiry, and the index of users announced online. Redis only (REDIS_ONLY in
 * vitest.config.ts); what clients see is presence.test.ts, on both engines.
 */
import { describe, expect, it } from 'vitest';
import type { TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { nextEvent, type ClientSocket } from '../support/sockets.ts';

/** Resolves once `check` holds, polling; rejects after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('presence in Redis', () => {
  const ctx = useNodeContext();

  const userKey = (user: TestUser) => `${ctx.config.redis.keyPrefix}presence:user:${user.id}`;
  const indexKey = () => `${ctx.config.redis.keyPrefix}presence:online`;
  const indexMember = (user: TestUser) => `${user.app.id}:${user.id}:${user.externalId}`;
  const connectionCount = (user: TestUser) => ctx.redis.zcard(userKey(user));

  /** `watcher` and `subject` share a channel. */
  async function setup() {
    const app = await ctx.newApp();
    const watcher = await ctx.newUser(app);
    const subject = await ctx.newUser(app);
    await ctx.newChannel(watcher, { members: [subject.id] });
    return { watcher, subject };
  }

  const nextPresence = (socket: ClientSocket, subject: TestUser, status: 'online' | 'offline') =>
    nextEvent(socket, 'presence.changed', (event) => event.userId === subject.id && event.status === status);

  it('keeps each connection in the user’s set and the user in the index while online', async () => {
    const { watcher, subject } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    expect(await ctx.redis.exists(userKey(subject))).toBe(0);

    const announced = nextPresence(watcherSocket, subject, 'online');
    const first = await ctx.connect(subject.token);
    await announced;
    const connections = await ctx.redis.zrange(userKey(subject), 0, -1);
    expect(connections).toEqual([expect.stringMatching(new RegExp(`:${first.id}$`))]);
    expect(Number(await ctx.redis.zscore(indexKey(), indexMember(subject)))).toBeGreaterThan(Date.now());

    const second = await ctx.connect(subject.token);
    expect(await connectionCount(subject)).toBe(2);
    expect(await ctx.redis.zrange(userKey(subject), 0, -1)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`:${second.id}$`))]),
    );
  });

  it('removes a closed connection, and the user’s set and index entry with the last one', async () => {
    const { watcher, subject } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const cameOnline = nextPresence(watcherSocket, subject, 'online');
    const first = await ctx.connect(subject.token);
    const second = await ctx.connect(subject.token);
    await cameOnline;

    second.close();
    await until('the closed connection to leave Redis', async () => (await connectionCount(subject)) === 1);
    expect(await ctx.redis.zscore(indexKey(), indexMember(subject))).not.toBeNull();

    const wentOffline = nextPresence(watcherSocket, subject, 'offline');
    first.close();
    await wentOffline;
    expect(await ctx.redis.exists(userKey(subject))).toBe(0);
    expect(await ctx.redis.zscore(indexKey(), indexMember(subject))).toBeNull();
  });

  it('heartbeats push a connection’s expiry forward, and the index’s with it', async () => {
    const { watcher, subject } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const cameOnline = nextPresence(watcherSocket, subject, 'online');
    const socket = await ctx.connect(subject.token);
    await cameOnline;
    const [connection, firstExpiry] = await ctx.redis.zrange(userKey(subject), 0, -1, 'WITHSCORES');
    expect(connection).toMatch(new RegExp(`:${socket.id}$`));

    await until('a heartbeat to extend the connection', async () => {
      const score = await ctx.redis.zscore(userKey(subject), connection!);
      return Number(score) > Number(firstExpiry);
    });
    await until('the first expiry and two sweeps to pass', () => Date.now() > Number(firstExpiry) + 500, 5000);
    expect(await connectionCount(subject)).toBe(1);
    expect(Number(await ctx.redis.zscore(indexKey(), indexMember(subject)))).toBeGreaterThan(Date.now());
  });
});
