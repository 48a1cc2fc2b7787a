/**
 * Presence through the gateway (FAST_PRESENCE: TTL 2000 ms, heartbeat 500 ms,
 * sweep 250 ms): presence.changed to co-members, is_online in channel details,
 * and the Redis keys behind them.
 *
 * "Nothing was announced" is proven with a barrier message: it travels the same
 * Redis pub/sub path after the action, so an announcement would arrive first.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PresenceEvent } from '@heyyo/contracts';
import type { TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { nextEvent, record, type ClientSocket } from '../support/sockets.ts';

/** Resolves once `check` holds, polling; rejects after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('presence', () => {
  const ctx = useNodeContext();

  const userKey = (user: TestUser) => `${ctx.config.redis.keyPrefix}presence:user:${user.id}`;
  const indexKey = () => `${ctx.config.redis.keyPrefix}presence:online`;
  const indexMember = (user: TestUser) => `${user.app.id}:${user.id}:${user.externalId}`;
  const connectionCount = (user: TestUser) => ctx.redis.zcard(userKey(user));

  const online = (user: TestUser): PresenceEvent => ({ userId: user.id, externalId: user.externalId, status: 'online' });
  const offline = (user: TestUser): PresenceEvent => ({ userId: user.id, externalId: user.externalId, status: 'offline' });

  /**
   * `watcher` and `subject` share two channels; `stranger` (same app) shares none
   * and has a channel of its own for its barrier.
   */
  async function setup() {
    const app = await ctx.newApp();
    const watcher = await ctx.newUser(app);
    const subject = await ctx.newUser(app);
    const stranger = await ctx.newUser(app);
    const shared = await ctx.newChannel(watcher, { members: [subject.id] });
    const alsoShared = await ctx.newChannel(watcher, { members: [subject.id] });
    const strangers = await ctx.newChannel(stranger);
    return { watcher, subject, stranger, shared, alsoShared, strangers };
  }

  /** `subject`'s presence events as `socket` sees them. */
  const presenceOf = (socket: ClientSocket, subject: TestUser) => {
    const seen = record(socket, 'presence.changed');
    return { get events() { return seen.filter((event) => event.userId === subject.id); } };
  };

  const nextPresence = (socket: ClientSocket, subject: TestUser, status: 'online' | 'offline') =>
    nextEvent(socket, 'presence.changed', (event) => event.userId === subject.id && event.status === status);

  /** A message from `sender` that every socket has received. */
  async function barrier(sender: TestUser, channelId: string, sockets: ClientSocket[]) {
    const text = `barrier ${randomUUID()}`;
    const arrived = sockets.map((socket) => nextEvent(socket, 'message.new', (message) => message.text === text));
    await ctx.send(sender, channelId, { text });
    await Promise.all(arrived);
  }

  async function isOnline(viewer: TestUser, channelId: string, user: TestUser): Promise<boolean> {
    const response = await ctx.request('GET', `/api/channels/${channelId}`, { token: viewer.token });
    expect(response.status).toBe(200);
    const member = response.body.members.find((entry: { id: string }) => entry.id === user.id);
    if (!member) throw new Error(`${user.id} is not a member of ${channelId}`);
    return member.is_online;
  }

  it('announces online once to co-members (even across two shared channels), and to no one else', async () => {
    const { watcher, subject, stranger, shared, strangers } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const strangerSocket = await ctx.connect(stranger.token);
    const seenByWatcher = presenceOf(watcherSocket, subject);
    const seenByStranger = presenceOf(strangerSocket, subject);
    expect(await isOnline(watcher, shared.id, subject)).toBe(false);
    expect(await ctx.redis.exists(userKey(subject))).toBe(0);

    const announced = nextPresence(watcherSocket, subject, 'online');
    const first = await ctx.connect(subject.token);
    expect(await announced).toEqual(online(subject));

    expect(await isOnline(watcher, shared.id, subject)).toBe(true);
    const connections = await ctx.redis.zrange(userKey(subject), 0, -1);
    expect(connections).toEqual([expect.stringMatching(new RegExp(`:${first.id}$`))]);
    expect(Number(await ctx.redis.zscore(indexKey(), indexMember(subject)))).toBeGreaterThan(Date.now());

    // A second connection of the same user is not news.
    const second = await ctx.connect(subject.token);
    expect(await connectionCount(subject)).toBe(2);
    expect(await ctx.redis.zrange(userKey(subject), 0, -1)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`:${second.id}$`))]),
    );

    await barrier(watcher, shared.id, [watcherSocket]);
    await barrier(stranger, strangers.id, [strangerSocket]);
    expect(seenByWatcher.events).toEqual([online(subject)]);
    expect(seenByStranger.events).toEqual([]);
  });

  it('closing one of two connections announces nothing; closing the last announces offline and clears Redis', async () => {
    const { watcher, subject, shared } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const cameOnline = nextPresence(watcherSocket, subject, 'online');
    const first = await ctx.connect(subject.token);
    const second = await ctx.connect(subject.token);
    await cameOnline;
    const seen = presenceOf(watcherSocket, subject);

    second.close();
    // The server has handled the disconnect once its connection left Redis.
    await until('the closed connection to leave Redis', async () => (await connectionCount(subject)) === 1);
    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([]);
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);

    const wentOffline = nextPresence(watcherSocket, subject, 'offline');
    first.close();
    expect(await wentOffline).toEqual(offline(subject));
    expect(await ctx.redis.exists(userKey(subject))).toBe(0);
    expect(await ctx.redis.zscore(indexKey(), indexMember(subject))).toBeNull();
    expect(await isOnline(watcher, shared.id, subject)).toBe(false);

    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([offline(subject)]);
  });

  it('a user who comes back is announced online again', async () => {
    const { watcher, subject, shared } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const seen = presenceOf(watcherSocket, subject);
    for (let round = 0; round < 2; round++) {
      const cameOnline = nextPresence(watcherSocket, subject, 'online');
      const socket = await ctx.connect(subject.token);
      await cameOnline;
      const wentOffline = nextPresence(watcherSocket, subject, 'offline');
      socket.close();
      await wentOffline;
    }
    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([online(subject), offline(subject), online(subject), offline(subject)]);
  });

  it('heartbeats keep an open connection online past the TTL', async () => {
    const { watcher, subject, shared } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const cameOnline = nextPresence(watcherSocket, subject, 'online');
    const socket = await ctx.connect(subject.token);
    await cameOnline;
    const seen = presenceOf(watcherSocket, subject);
    const [connection, firstExpiry] = await ctx.redis.zrange(userKey(subject), 0, -1, 'WITHSCORES');
    expect(connection).toMatch(new RegExp(`:${socket.id}$`));

    // A heartbeat pushes the expiry forward.
    await until('a heartbeat to extend the connection', async () => {
      const score = await ctx.redis.zscore(userKey(subject), connection!);
      return Number(score) > Number(firstExpiry);
    });
    // No event marks "the sweep looked and kept it": the original expiry has to pass,
    // plus two sweep periods, to observe that nothing went offline.
    await until('the first expiry and two sweeps to pass', async () => Date.now() > Number(firstExpiry) + 500, 5000);

    expect(socket.connected).toBe(true);
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);
    expect(Number(await ctx.redis.zscore(indexKey(), indexMember(subject)))).toBeGreaterThan(Date.now());
    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([]);
  });

  it('shows a member who never connected as offline', async () => {
    const { watcher, subject, shared } = await setup();
    await ctx.connect(watcher.token);
    expect(await isOnline(watcher, shared.id, watcher)).toBe(true);
    expect(await isOnline(watcher, shared.id, subject)).toBe(false);
  });
});
