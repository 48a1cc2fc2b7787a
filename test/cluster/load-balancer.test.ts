import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { useCluster } from '../support/cluster-context.ts';
import { startHaproxy, type LoadBalancer } from '../support/haproxy.ts';
import { eventually } from '../support/sdk-helpers.ts';

/**
 * infra/haproxy.cfg (the docker-compose load balancer) in front of 2 API nodes and 2 gateways:
 * long-polling needs every request of a session on one gateway, so a client that works over
 * polling only proves the stickiness; REST spreads; a dead gateway's clients move over.
 */
describe('the load balancer (HAProxy, infra/haproxy.cfg)', () => {
  const ctx = useCluster({ apiNodes: 2, gatewayNodes: 2 });
  let lb: LoadBalancer;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    lb = await startHaproxy(
      ctx.cluster.api.map((node) => node.url),
      ctx.cluster.gateways.map((node) => node.url),
    );
  });
  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await lb?.stop();
  });

  /** A polling-only client through the load balancer; Node's client keeps the cookie (withCredentials). */
  const connect = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(lb.url, { auth: { token }, transports: ['polling'], withCredentials: true, reconnectionDelay: 200, reconnectionDelayMax: 500 });
      sockets.push(socket);
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });

  it('spreads REST over both API nodes', async () => {
    const user = await ctx.newUser();
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${lb.url}/api/channels`, {
        headers: { authorization: `Bearer ${user.token}`, 'x-request-id': `lb-spread-${i}` },
      });
      expect(response.status).toBe(200);
    }
    for (const node of ctx.cluster.api) expect(node.output()).toContain('"reqId":"lb-spread-');
  });

  it('keeps polling-only clients on one gateway each, and they chat through it', async () => {
    const alice = await ctx.newUser();
    const bob = await ctx.newUser(alice.app);
    const channel = await ctx.newChannel(alice, { name: 'lb', members: [bob.id] });
    const clients = await Promise.all([alice, bob, alice, bob, alice, bob].map((user) => connect(user.token)));
    const received: string[] = [];
    for (const client of clients) client.on('message.new', (message: { text: string }) => received.push(message.text));
    const ack = (await clients[0]!.emitWithAck('message.send', { channelId: channel.id, text: 'through haproxy' })) as { message?: unknown };
    expect(ack.message).toBeDefined();
    await eventually(() => received.filter((text) => text === 'through haproxy').length === 6, 'all six connections to get it');
    expect(received.filter((text) => text === 'through haproxy')).toHaveLength(6);
    // Both gateways hold sessions: balanced at the handshake, then held there by the cookie.
    for (const node of ctx.cluster.gateways) {
      const metrics = await (await fetch(`${node.url}/metrics`)).text();
      expect(Number(/^heyyo_socket_connections (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    }
  });

  it('moves the clients of a killed gateway to the other, and they catch up', async () => {
    const alice = await ctx.newUser();
    const bob = await ctx.newUser(alice.app);
    const channel = await ctx.newChannel(alice, { name: 'failover', members: [bob.id] });
    const clients = await Promise.all([bob, bob, bob, bob].map((user) => connect(user.token)));
    let reconnected = 0;
    for (const client of clients) client.io.on('reconnect', () => reconnected++);
    await ctx.cluster.gateways[0]!.stop('SIGKILL');
    // Sent while some clients have no gateway: they get it by seq after reconnecting.
    const sent = await ctx.send(alice, channel.id, { text: 'during the failover' });
    await eventually(() => clients.every((client) => client.connected), 'every client reconnected', 20_000);
    expect(reconnected).toBeGreaterThan(0);
    for (const client of clients) {
      const sync = (await client.emitWithAck('messages.sync', { channelId: channel.id, afterSeq: 0 })) as { messages: { id: string }[] };
      expect(sync.messages.map((message) => message.id)).toContain(sent.id);
    }
  }, 60_000);
});
