/**
 * @heyyo/sdk against a real cluster (1 API node, 2 gateways, 1 worker, each its
 * own process), imported exactly as an app imports it (the built libs/sdk/dist):
 * events across gateways, the socket/REST choice of messages.send, the REST
 * fallback when a socket dies mid-flight, and no missed message across a
 * SIGKILLed gateway.
 *
 * Faults are real: SIGKILLed processes, and a TCP relay in front of a gateway
 * that can swallow the gateway's replies or cut the connection. Waiting is done
 * by polling with a deadline, never by a fixed sleep.
 */
import { randomUUID } from 'node:crypto';
import { connect as connectTcp, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HeyyoClient,
  type ClientEvents,
  type HeyyoClientOptions,
  type Message,
} from '@heyyo/sdk';
import { useCluster } from '../support/cluster-context.ts';
import type { TestApp, TestUser } from '../support/factories.ts';
import { countingFetch, eventually, expectedMessage, nextEvent, record } from '../support/sdk-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Socket.IO connections a node reports on /metrics. */
async function socketCount(node: { url: string }): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const match = /^heyyo_socket_connections (\d+)$/m.exec(text);
  if (!match) throw new Error(`no heyyo_socket_connections on ${node.url}/metrics`);
  return Number(match[1]);
}

/**
 * A TCP relay in front of a gateway: the client's traffic goes through it, so a
 * test can swallow the gateway's replies (an acknowledgement that never comes)
 * or cut the connection (a socket that dies), with the gateway itself untouched.
 */
class TcpRelay {
  private readonly open = new Set<Socket>();
  private swallowing = false;
  private refusing = false;
  private server: Server | undefined;
  url = '';

  static async start(target: string): Promise<TcpRelay> {
    const relay = new TcpRelay();
    const { hostname, port } = new URL(target);
    relay.server = createServer((client) => {
      if (relay.refusing) {
        client.destroy();
        return;
      }
      const upstream = connectTcp(Number(port), hostname);
      relay.open.add(client);
      relay.open.add(upstream);
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        if (!relay.swallowing) client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        relay.open.delete(client);
        relay.open.delete(upstream);
      };
      for (const socket of [client, upstream]) {
        socket.on('close', close);
        socket.on('error', close);
      }
    });
    await new Promise<void>((resolve) => relay.server!.listen(0, '127.0.0.1', resolve));
    relay.url = `http://127.0.0.1:${(relay.server.address() as AddressInfo).port}`;
    return relay;
  }

  /** While refusing, new connections are closed at once (the gateway looks down); open ones are cut. */
  refuse(refusing: boolean): void {
    this.refusing = refusing;
    if (refusing) this.cut();
  }

  /** Drops everything the gateway sends from now on (the client still reaches the gateway). */
  swallowReplies(): void {
    this.swallowing = true;
  }

  /** Destroys every relayed connection: the client's socket dies. */
  cut(): void {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

// ---------------------------------------------------------------------------------------------

describe('@heyyo/sdk against a cluster (1 API node, 2 gateways, 1 worker)', () => {
  const ctx = useCluster({ apiNodes: 1, gatewayNodes: 2, workerNodes: 1 });
  const clients: HeyyoClient[] = [];
  const relays: TcpRelay[] = [];

  /** Gateways still running (a test may have SIGKILLed one). */
  const liveGateways = () => ctx.cluster.gateways.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
  /** The first two running gateways. */
  const twoGateways = () => {
    const [first, second] = liveGateways();
    if (!first || !second) throw new Error('fewer than two gateways are running');
    return [first, second] as const;
  };

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    for (const relay of relays.splice(0)) await relay.close();
    // Every test starts with two gateways: replace the ones a test killed.
    while (liveGateways().length < 2) await ctx.cluster.add('gateway');
  });

  /** A client on the API node whose socket goes to `socketUrls` (in turn on reconnects). */
  function sdk(options: Omit<HeyyoClientOptions, 'apiUrl'> & { socketUrls?: string[] }): HeyyoClient {
    const client = new HeyyoClient({ apiUrl: ctx.cluster.api[0]!.url, ...options });
    clients.push(client);
    return client;
  }

  async function room(...names: string[]) {
    const app: TestApp = await ctx.newApp();
    const users: TestUser[] = [];
    for (const name of names) users.push(await ctx.newUser(app, { externalId: name }));
    const channel = await ctx.newChannel(users[0]!, { members: users.slice(1).map((user) => user.id) });
    return { app, users, channel };
  }

  /** Resolves once `gateway` holds exactly one socket and every other live gateway none. */
  async function onlyConnectionOn(gateway: { url: string }, what: string): Promise<void> {
    await eventually(async () => {
      const counts = await Promise.all(liveGateways().map(async (node) => [node.url, await socketCount(node)] as const));
      return counts.every(([url, count]) => count === (url === gateway.url ? 1 : 0));
    }, what);
  }

  it('relays every event between clients on different gateways, reactions through the worker process', async () => {
    const { app, users, channel } = await room('actor', 'watcher');
    const [actor, watcher] = users as [TestUser, TestUser];
    const joiner = await ctx.newUser(app, { externalId: 'joiner' });
    const [gateway1, gateway2] = twoGateways();

    const watcherClient = sdk({ token: watcher.token, socketUrls: [gateway1.url] });
    await watcherClient.connect();
    const watcherPhone = sdk({ token: watcher.token, socketUrls: [gateway2.url] });
    await watcherPhone.connect();

    const online = nextEvent(watcherClient, 'presence.changed', (event) => event.userId === actor.id);
    const actorClient = sdk({ token: actor.token, socketUrls: [gateway2.url] });
    await actorClient.connect();
    expect(await online).toEqual({ userId: actor.id, externalId: 'actor', status: 'online' });

    const arrived = nextEvent(watcherClient, 'message.new');
    const message = await actorClient.messages.send(channel.id, 'across gateways');
    expect(message).toEqual(expectedMessage(actor, channel.id, { seq: 1, text: 'across gateways' }));
    expect(await arrived).toEqual(message);

    const typing = nextEvent(watcherClient, 'typing.start');
    actorClient.typing.start(channel.id);
    expect(await typing).toEqual({ channelId: channel.id, userId: actor.id, externalId: 'actor' });
    const stopped = nextEvent(watcherClient, 'typing.stop');
    actorClient.typing.stop(channel.id);
    expect(await stopped).toEqual({ channelId: channel.id, userId: actor.id, externalId: 'actor' });

    const reaction = { messageId: message.id, channelId: channel.id, userId: actor.id, externalId: 'actor', type: ':tada:', version: expect.any(Number) };
    const reacted = nextEvent(watcherClient, 'reaction.new');
    await actorClient.reactions.add(channel.id, message.id, ':tada:');
    expect(await reacted).toEqual(reaction);
    await ctx.settled();
    const [withReaction] = await watcherClient.messages.list(channel.id);
    expect(withReaction).toMatchObject({
      id: message.id,
      reactions: [{ type: ':tada:', user_id: actor.id, count: 1 }],
      reaction_counts: { ':tada:': 1 },
    });
    const unreacted = nextEvent(watcherClient, 'reaction.deleted');
    await actorClient.reactions.remove(channel.id, message.id, ':tada:');
    expect(await unreacted).toEqual(reaction);
    await ctx.settled();
    expect((await watcherClient.messages.list(channel.id))[0]).toMatchObject({ reactions: [], reaction_counts: {} });

    const deleted = nextEvent(watcherClient, 'message.deleted');
    await actorClient.messages.delete(channel.id, message.id);
    expect(await deleted).toEqual({ messageId: message.id, channelId: channel.id, seq: 1, deletedAt: expect.stringMatching(ISO), version: expect.any(Number) });

    const joined = nextEvent(watcherClient, 'member.joined');
    await sdk({ token: joiner.token, autoConnect: false }).channels.join(channel.id);
    expect(await joined).toEqual({ channelId: channel.id, userId: joiner.id, externalId: 'joiner', version: expect.any(Number) });

    // The watcher reads on gateway 1; their phone on gateway 2 hears of it.
    const latest = await actorClient.messages.send(channel.id, 'read me');
    const synced = nextEvent(watcherPhone, 'channel.read');
    expect(await watcherClient.channels.markRead(channel.id)).toEqual({ channelId: channel.id, lastReadSeq: latest.seq, unreadCount: 0 });
    expect(await synced).toEqual({ channelId: channel.id, userId: watcher.id, lastReadSeq: latest.seq, unreadCount: 0 });

    const offline = nextEvent(watcherClient, 'presence.changed', (event) => event.userId === actor.id);
    actorClient.disconnect();
    expect(await offline).toEqual({ userId: actor.id, externalId: 'actor', status: 'offline' });
  });

  it('messages.send goes over the socket when connected (0 REST POSTs) and over REST when not (1)', async () => {
    const { users, channel } = await room('sender', 'reader');
    const [sender] = users as [TestUser];
    const [gateway1] = twoGateways();

    const socketCalls = countingFetch();
    const connected = sdk({ token: sender.token, socketUrls: [gateway1.url], fetch: socketCalls.fetch });
    const own = record(connected, 'message.new');
    await connected.connect();
    const viaSocket = await connected.messages.send(channel.id, 'over the socket');
    expect(socketCalls.messagePosts()).toHaveLength(0);
    expect(viaSocket).toEqual(expectedMessage(sender, channel.id, { seq: 1, text: 'over the socket' }));
    // The sender hears its own message once.
    await eventually(() => own.length === 1, 'the sender’s own message.new');
    expect(own).toEqual([viaSocket]);

    const restCalls = countingFetch();
    const notConnected = sdk({ token: sender.token, socketUrls: [gateway1.url], autoConnect: false, fetch: restCalls.fetch });
    const viaRest = await notConnected.messages.send(channel.id, 'over REST');
    expect(restCalls.messagePosts()).toHaveLength(1);
    expect(restCalls.messagePosts()[0]!.body).toEqual({ text: 'over REST', client_id: viaRest.client_id });
    expect(viaRest).toEqual(expectedMessage(sender, channel.id, { seq: 2, text: 'over REST' }));
    await eventually(() => own.length === 2, 'the REST message live');
    expect(own).toEqual([viaSocket, viaRest]);
  });

  it('falls back to REST with the same clientId when its gateway is SIGKILLed mid-send; the message exists once', async () => {
    const { users, channel } = await room('sender', 'reader');
    const [sender, reader] = users as [TestUser, TestUser];
    const [gatewayA, gatewayB] = twoGateways();
    const calls = countingFetch();
    const client = sdk({ token: sender.token, socketUrls: [gatewayA.url, gatewayB.url], fetch: calls.fetch });
    await client.connect();
    await onlyConnectionOn(gatewayA, 'the client on gateway A');

    const clientId = randomUUID();
    const pending = client.messages.send(channel.id, 'in flight', { clientId });
    await gatewayA.stop('SIGKILL');
    const message = await pending;

    expect(calls.messagePosts()).toHaveLength(1);
    expect(calls.messagePosts()[0]!.body).toEqual({ text: 'in flight', client_id: clientId });
    expect(message).toEqual(expectedMessage(sender, channel.id, { seq: 1, text: 'in flight', client_id: clientId }));
    const stored = await sdk({ token: reader.token, autoConnect: false }).messages.list(channel.id, { afterSeq: 0 });
    expect(stored.map((row) => ({ id: row.id, client_id: row.client_id }))).toEqual([{ id: message.id, client_id: clientId }]);

    // And the client moved to gateway B by itself.
    await eventually(() => client.connected, 'the client to reconnect');
    await onlyConnectionOn(gatewayB, 'the client on gateway B');
  });

  it('falls back to REST with its generated clientId when the socket dies after the gateway stored the message', async () => {
    const { users, channel } = await room('sender', 'reader');
    const [sender, reader] = users as [TestUser, TestUser];
    const [gatewayA, gatewayB] = twoGateways();
    const relay = await TcpRelay.start(gatewayA.url);
    relays.push(relay);
    const calls = countingFetch();
    const client = sdk({ token: sender.token, socketUrls: [relay.url, gatewayB.url], fetch: calls.fetch });
    await client.connect();
    const readerClient = sdk({ token: reader.token, autoConnect: false });

    // The gateway receives and stores the message, but its acknowledgement is lost…
    relay.swallowReplies();
    const pending = client.messages.send(channel.id, 'ack lost');
    const [stored] = await eventually(async () => {
      const rows = await readerClient.messages.list(channel.id);
      return rows.length > 0 ? rows : undefined;
    }, 'the gateway to store the message');
    expect(calls.messagePosts()).toHaveLength(0);
    // …and then the socket dies.
    relay.cut();
    const message = await pending;

    // The REST retry carried the key the socket used, so the server answered with the stored message.
    expect(calls.messagePosts()).toHaveLength(1);
    expect(calls.messagePosts()[0]!.body).toEqual({ text: 'ack lost', client_id: stored!.client_id });
    expect(message.id).toBe(stored!.id);
    expect(message).toEqual(expectedMessage(sender, channel.id, { seq: 1, text: 'ack lost', client_id: stored!.client_id }));
    expect((await readerClient.messages.list(channel.id, { afterSeq: 0 })).map((row) => row.id)).toEqual([stored!.id]);
    await eventually(() => client.connected, 'the client to reconnect');
  });

  it('falls back to REST with the same clientId when the acknowledgement never comes (10 s ack timeout)', async () => {
    const { users, channel } = await room('sender', 'reader');
    const [sender, reader] = users as [TestUser, TestUser];
    const [gatewayA] = twoGateways();
    const relay = await TcpRelay.start(gatewayA.url);
    relays.push(relay);
    const calls = countingFetch();
    const client = sdk({ token: sender.token, socketUrls: [relay.url], fetch: calls.fetch });
    await client.connect();
    const readerClient = sdk({ token: reader.token, autoConnect: false });

    relay.swallowReplies();
    const startedAt = Date.now();
    const message = await client.messages.send(channel.id, 'no ack');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(9_000);
    expect(calls.messagePosts()).toHaveLength(1);
    const rows = await readerClient.messages.list(channel.id, { afterSeq: 0 });
    expect(rows.map((row) => ({ id: row.id, client_id: row.client_id }))).toEqual([{ id: message.id, client_id: message.client_id }]);
    expect(calls.messagePosts()[0]!.body).toEqual({ text: 'no ack', client_id: message.client_id });
  }, 30_000);

  it('misses no message when its gateway is SIGKILLed mid-stream: reconnects to the other and catches up, once each, in order', async () => {
    const { users, channel } = await room('sender', 'reader');
    const [sender, reader] = users as [TestUser, TestUser];
    const [gateway1, gateway2] = twoGateways();

    const client = sdk({ token: reader.token, socketUrls: [gateway1.url, gateway2.url], autoConnect: false });
    const delivered = record(client, 'message.new');
    const states = record(client, 'connection.changed');
    const resets = record(client, 'reset');
    await client.connect();
    await client.channels.list();
    await onlyConnectionOn(gateway1, 'the reader on gateway 1');

    const senderClient = sdk({ token: sender.token, autoConnect: false });
    const acknowledged: Message[] = [];
    const TOTAL = 60;
    let sentWhileAway = 0;
    for (let index = 0; index < TOTAL; index++) {
      if (index === 20) {
        await gateway1.stop('SIGKILL');
        await eventually(() => states.some((event) => event.state === 'reconnecting'), 'the client to notice');
      }
      if (!client.connected) sentWhileAway++;
      acknowledged.push(await senderClient.messages.send(channel.id, `message ${index}`));
    }

    await eventually(() => delivered.length >= TOTAL && client.connected, `${TOTAL} messages delivered`, 15_000);
    expect(delivered.map((message) => message.seq)).toEqual(acknowledged.map((message) => message.seq));
    expect(delivered.map((message) => message.id)).toEqual(acknowledged.map((message) => message.id));
    expect(delivered.map((message) => message.seq)).toEqual(Array.from({ length: TOTAL }, (_, index) => index + 1));
    expect(delivered).toEqual(acknowledged);
    expect(resets).toEqual([]);
    // Some messages were sent while the client had no socket: they came by catch-up.
    expect(sentWhileAway).toBeGreaterThan(0);

    // It reconnected by itself, to gateway 2.
    expect(states[0]).toEqual({ state: 'connecting' });
    expect(states[1]).toEqual({ state: 'connected' });
    expect(states.slice(2).map((event) => event.state)).toContain('reconnecting');
    expect(states.at(-1)).toEqual({ state: 'connected' });
    await onlyConnectionOn(gateway2, 'the reader on gateway 2');

    // Nothing arrives twice later on either.
    const last = await senderClient.messages.send(channel.id, 'after the failover');
    await eventually(() => delivered.length === TOTAL + 1, 'the next live message');
    expect(delivered.at(-1)).toEqual(last);
  });

  it('catches up on reconnect what was sent while it had no gateway at all, with no live message to reveal the gap', async () => {
    const { users, channel } = await room('sender', 'reader');
    const [sender, reader] = users as [TestUser, TestUser];
    const [gateway1, gateway2] = twoGateways();
    // Gateway 2 is reached through a relay that refuses connections until the test lets them through.
    const relay = await TcpRelay.start(gateway2.url);
    relays.push(relay);
    relay.refuse(true);

    const client = sdk({ token: reader.token, socketUrls: [gateway1.url, relay.url], autoConnect: false });
    const delivered = record(client, 'message.new');
    const states = record(client, 'connection.changed');
    await client.connect();
    await client.channels.list();
    const senderClient = sdk({ token: sender.token, autoConnect: false });
    const acknowledged: Message[] = [];
    for (let index = 0; index < 10; index++) acknowledged.push(await senderClient.messages.send(channel.id, `before ${index}`));
    await eventually(() => delivered.length === 10, 'the live messages');

    await gateway1.stop('SIGKILL');
    await eventually(() => states.some((event) => event.state === 'reconnecting'), 'the client to notice');
    for (let index = 0; index < 30; index++) acknowledged.push(await senderClient.messages.send(channel.id, `away ${index}`));
    expect(client.connected).toBe(false);
    expect(delivered).toHaveLength(10);

    relay.refuse(false);
    // connect() resolves once the client is back and caught up.
    await client.connect();
    expect(delivered).toEqual(acknowledged);
    expect(states.at(-1)).toEqual({ state: 'connected' });
  }, 30_000);

  it('catches up on the other gateway every change made while its own was dead, once each, in order', async () => {
    const { users, channel } = await room('owner', 'reader', 'other');
    const [owner, reader, other] = users as [TestUser, TestUser, TestUser];
    const [gateway1, gateway2] = twoGateways();
    const relay = await TcpRelay.start(gateway2.url);
    relays.push(relay);
    relay.refuse(true);

    const client = sdk({ token: reader.token, socketUrls: [gateway1.url, relay.url], autoConnect: false });
    const heard: { event: string; version: number }[] = [];
    for (const event of ['message.updated', 'reaction.new', 'member.removed', 'channel.updated'] as const) {
      client.on(event, ((payload: { version: number }) => heard.push({ event, version: payload.version })) as never);
    }
    const states = record(client, 'connection.changed');
    await client.connect();
    const ownerClient = sdk({ token: owner.token, autoConnect: false });
    const message = await ownerClient.messages.send(channel.id, 'before');
    const liveEdit = nextEvent(client, 'message.updated');
    await ownerClient.messages.update(channel.id, message.id, 'edited live');
    await liveEdit;

    await gateway1.stop('SIGKILL');
    await eventually(() => states.some((event) => event.state === 'reconnecting'), 'the client to notice');
    const otherMessage = await sdk({ token: other.token, autoConnect: false }).messages.send(channel.id, 'from other');
    await ownerClient.reactions.add(channel.id, message.id, ':eyes:');
    await ctx.settled();
    await ownerClient.messages.update(channel.id, message.id, 'edited away');
    await ownerClient.channels.removeMember(channel.id, other.id);
    await ownerClient.channels.update(channel.id, { name: 'renamed away' });
    expect(heard).toHaveLength(1);

    relay.refuse(false);
    await client.connect();
    expect(heard.map((change) => change.event)).toEqual(['message.updated', 'reaction.new', 'message.updated', 'member.removed', 'channel.updated']);
    const versions = heard.map((change) => change.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    expect(otherMessage.seq).toBe(2);
  }, 30_000);
});
