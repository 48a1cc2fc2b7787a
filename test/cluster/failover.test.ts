import { describe, expect, it } from 'vitest';
import type { Message } from '@heyyo/contracts';
import { useCluster } from '../support/cluster-context.ts';
import { FAST_PRESENCE } from '../support/node-context.ts';
import { eventually } from '../support/sdk-helpers.ts';
import { emitWithAck, nextEvent, type ClientSocket } from '../support/sockets.ts';

const TTL_MS = Number(FAST_PRESENCE.HEYYO_PRESENCE_TTL_MS);
const SWEEP_MS = Number(FAST_PRESENCE.HEYYO_PRESENCE_SWEEP_MS);

/**
 * What a client must do to never miss a message: deliver in seq order, drop
 * what it already holds, and after a reconnect ask for everything after the
 * last seq it holds.
 */
class OrderedChannelLog {
  readonly delivered: Message[] = [];
  duplicatesDropped = 0;
  private readonly pending = new Map<number, Message>();

  constructor(private readonly channelId: string) {}

  get lastSeq(): number {
    return this.delivered.at(-1)?.seq ?? 0;
  }

  receive(message: Message): void {
    if (message.channel_id !== this.channelId) return;
    if (message.seq <= this.lastSeq || this.pending.has(message.seq)) {
      this.duplicatesDropped++;
      return;
    }
    this.pending.set(message.seq, message);
    for (let next = this.pending.get(this.lastSeq + 1); next; next = this.pending.get(this.lastSeq + 1)) {
      this.pending.delete(next.seq);
      this.delivered.push(next);
    }
  }

  /** Listens for live messages and catches up from the last seq held. */
  async attach(socket: ClientSocket): Promise<void> {
    socket.on('message.new', (message) => this.receive(message));
    for (let hasMore = true; hasMore; ) {
      const page = await emitWithAck(socket, 'messages.sync', { channelId: this.channelId, afterSeq: this.lastSeq });
      page.messages.forEach((message: Message) => this.receive(message));
      hasMore = page.hasMore;
    }
  }
}

describe('gateway failures (1 API node, 3 gateways)', () => {
  const ctx = useCluster({ apiNodes: 1, gatewayNodes: 3 });

  it('moves a client whose gateway is SIGKILLed to another, holding every acknowledged message once, in order', async () => {
    const app = await ctx.newApp();
    const [sender, reader] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(sender, { members: [reader.id] });
    const log = new OrderedChannelLog(channel.id);
    const doomedSocket = await ctx.connect(1, reader.token);
    const lostGateway = new Promise((resolve) => doomedSocket.once('disconnect', resolve));
    await log.attach(doomedSocket);

    const acknowledged: { id: string; seq: number }[] = [];
    const TOTAL = 60;
    for (let index = 0; index < TOTAL; index++) {
      if (index === 20) {
        await ctx.cluster.gateways[1]!.stop('SIGKILL');
        await lostGateway;
      }
      if (index === 35) await log.attach(await ctx.connect(0, reader.token));
      acknowledged.push(await ctx.send(sender, channel.id, { text: `message ${index}` }));
    }

    await eventually(() => log.delivered.length === TOTAL, 'every message to be held');
    expect(log.delivered.map((message) => message.seq)).toEqual(acknowledged.map((message) => message.seq));
    expect(log.delivered.map((message) => message.id)).toEqual(acknowledged.map((message) => message.id));
    expect(log.delivered.map((message) => message.seq)).toEqual(Array.from({ length: TOTAL }, (_, index) => index + 1));
  });

  it('announces a SIGKILLed gateway’s users offline within the presence TTL plus a sweep', async () => {
    const app = await ctx.newApp();
    const [watcher, victim] = [await ctx.newUser(app), await ctx.newUser(app, { externalId: 'victim' })];
    const channel = await ctx.newChannel(watcher, { members: [victim.id] });
    const watcherSocket = await ctx.connect(0, watcher.token);
    const online = nextEvent(watcherSocket, 'presence.changed', (event) => event.userId === victim.id);
    await ctx.connect(2, victim.token);
    expect((await online).status).toBe('online');

    const offline = nextEvent(
      watcherSocket,
      'presence.changed',
      (event) => event.userId === victim.id && event.status === 'offline',
      TTL_MS + SWEEP_MS + 5000,
    );
    const killedAt = Date.now();
    await ctx.cluster.gateways[2]!.stop('SIGKILL');
    expect(await offline).toEqual({ userId: victim.id, externalId: 'victim', status: 'offline' });
    const elapsed = Date.now() - killedAt;
    // Bound: the last heartbeat is at most TTL old when the kill lands, plus one sweep,
    // plus scheduling slack on a busy 2-core machine.
    expect(elapsed).toBeLessThanOrEqual(TTL_MS + SWEEP_MS + 1500);
    const details = await ctx.request('GET', `/api/channels/${channel.id}`, { token: watcher.token });
    expect(details.body.members.find((member: { id: string }) => member.id === victim.id).is_online).toBe(false);
  });

  it('retracts presence at once and exits 0 on SIGTERM', async () => {
    const app = await ctx.newApp();
    const [owner, guest] = [await ctx.newUser(app), await ctx.newUser(app)];
    const channel = await ctx.newChannel(owner, { members: [guest.id] });
    const guestSocket = await ctx.connect(0, guest.token);
    const disconnected = new Promise((resolve) => guestSocket.once('disconnect', resolve));
    const onlineBefore = await ctx.request('GET', `/api/channels/${channel.id}`, { token: owner.token });
    expect(onlineBefore.body.members.find((member: { id: string }) => member.id === guest.id).is_online).toBe(true);

    const stoppedAt = Date.now();
    expect(await ctx.cluster.gateways[0]!.stop('SIGTERM')).toBe(0);
    await disconnected;
    const after = await ctx.request('GET', `/api/channels/${channel.id}`, { token: owner.token });
    // Well inside the TTL: the gateway cleaned up rather than letting the entry expire.
    expect(Date.now() - stoppedAt).toBeLessThan(TTL_MS);
    expect(after.body.members.find((member: { id: string }) => member.id === guest.id).is_online).toBe(false);
    expect(ctx.cluster.gateways[0]!.output()).toContain('shutting down');
  });
});
