/**
 * Presence through the gateway (FAST_PRESENCE: TTL 2000 ms, heartbeat 500 ms,
 * sweep 250 ms), on either engine: presence.changed to co-members and is_online in
 * channel details, as clients see them. The Redis keys behind them are checked in
 * presence-redis.test.ts (Redis only); the stores' rules in the PresenceStore contract.
 *
 * "Nothing was announced" is proven with a barrier message: it travels the same
 * path as announcements (Redis pub/sub, or the memory engine's in-process rooms)
 * after the action, so an announcement would arrive first.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PresenceEvent } from '@heyyo/contracts';
import type { AppId } from '@heyyo/database';
import type { TestUser } from '../support/factories.ts';
import { useNodeContext } from '../support/node-context.ts';
import { nextEvent, record, type ClientSocket } from '../support/sockets.ts';

/** Resolves once `check` holds, polling; rejects after `timeoutMs`. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('presence', () => {
  const ctx = useNodeContext();

  const online = (user: TestUser): PresenceEvent => ({ userId: user.id, externalId: user.externalId, status: 'online' });
  const offline = (user: TestUser): PresenceEvent => ({ userId: user.id, externalId: user.externalId, status: 'offline' });

  /** Sockets open on the node's gateway: a closed one has left once the server handled its disconnect. */
  const gatewaySockets = () => ctx.node.gateway!.connectionCount();

  /**
   * Resolves once the server has handled the close of `socket`: it left the gateway, and the
   * store has answered a later call (the gateway's disconnect went to the same store first).
   */
  async function closed(socket: ClientSocket, user: TestUser): Promise<void> {
    const before = gatewaySockets();
    socket.close();
    await until('the closed socket to leave the gateway', () => gatewaySockets() === before - 1);
    await ctx.node.wiring.presence.onlineUserIds(user.app.id as AppId, [user.id]);
  }

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

  const nextPresence = (socket: ClientSocket, subject: TestUser, status: 'online' | 'offline', timeoutMs?: number) =>
    nextEvent(socket, 'presence.changed', (event) => event.userId === subject.id && event.status === status, timeoutMs);

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

    const announced = nextPresence(watcherSocket, subject, 'online');
    await ctx.connect(subject.token);
    expect(await announced).toEqual(online(subject));
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);

    // A second connection of the same user is not news.
    await ctx.connect(subject.token);
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);

    await barrier(watcher, shared.id, [watcherSocket]);
    await barrier(stranger, strangers.id, [strangerSocket]);
    expect(seenByWatcher.events).toEqual([online(subject)]);
    expect(seenByStranger.events).toEqual([]);
  });

  it('closing one of two connections announces nothing; closing the last announces offline', async () => {
    const { watcher, subject, shared } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const cameOnline = nextPresence(watcherSocket, subject, 'online');
    const first = await ctx.connect(subject.token);
    const second = await ctx.connect(subject.token);
    await cameOnline;
    const seen = presenceOf(watcherSocket, subject);

    await closed(second, subject);
    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([]);
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);

    const wentOffline = nextPresence(watcherSocket, subject, 'offline');
    first.close();
    expect(await wentOffline).toEqual(offline(subject));
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
    const connectedAt = Date.now();
    const socket = await ctx.connect(subject.token);
    await cameOnline;
    const seen = presenceOf(watcherSocket, subject);

    // No event marks "the sweep looked and kept it": the first expiry has to pass,
    // plus two sweep periods, to observe that nothing went offline.
    const ttlMs = ctx.config.realtime.presenceTtlMs;
    await until('the first expiry and two sweeps to pass', () => Date.now() > connectedAt + ttlMs + 500, ttlMs + 2000);

    expect(socket.connected).toBe(true);
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);
    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([]);
  });

  it('announces offline a user whose connections stopped heartbeating (a gateway that died), once the TTL passed', async () => {
    const { watcher, subject, shared } = await setup();
    const watcherSocket = await ctx.connect(watcher.token);
    const seen = presenceOf(watcherSocket, subject);
    // A connection of another gateway, which stops refreshing it: only the sweep can end it.
    const orphan = { appId: subject.app.id as AppId, userId: subject.id, externalId: subject.externalId, connectionId: `dead-gateway:${randomUUID()}` };
    const connectedAt = Date.now();
    expect(await ctx.node.wiring.presence.connect(orphan)).toBe(true);
    expect(await isOnline(watcher, shared.id, subject)).toBe(true);

    const ttlMs = ctx.config.realtime.presenceTtlMs;
    expect(await nextPresence(watcherSocket, subject, 'offline', ttlMs + 5000)).toEqual(offline(subject));
    expect(Date.now()).toBeGreaterThanOrEqual(connectedAt + ttlMs);
    expect(await isOnline(watcher, shared.id, subject)).toBe(false);
    await barrier(watcher, shared.id, [watcherSocket]);
    expect(seen.events).toEqual([offline(subject)]);
  });

  it('shows a member who never connected as offline', async () => {
    const { watcher, subject, shared } = await setup();
    await ctx.connect(watcher.token);
    expect(await isOnline(watcher, shared.id, watcher)).toBe(true);
    expect(await isOnline(watcher, shared.id, subject)).toBe(false);
  });
});
