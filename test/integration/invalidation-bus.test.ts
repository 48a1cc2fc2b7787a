/**
 * The invalidation bus over Redis: what one node publishes reaches every other node's listeners
 * once (and its own at once, before publish returns); a node whose subscription dropped drops
 * everything it remembers when it is back; a publish Redis cannot take never fails the caller.
 * Redis only (REDIS_ONLY in vitest.config.ts).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '@heyyo/logging';
import { closeRedis, createRedisInvalidationBus, type Invalidation, type InvalidationBus } from '@heyyo/realtime';
import { eventually } from '../support/eventually.ts';

const logger = createLogger({ level: 'silent', name: 'test' });
const channel = `test-invalidations-${randomBytes(4).toString('hex')}`;
const clients: Redis[] = [];
const buses: InvalidationBus[] = [];

/** A node: its own shared client (named, to be found in CLIENT LIST, and connected) and bus. */
async function node(name = `test-${randomBytes(4).toString('hex')}`) {
  const redis = new Redis(inject('redisUrl')!, { connectionName: name, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  clients.push(redis);
  await new Promise((resolve) => redis.once('ready', resolve));
  const bus = createRedisInvalidationBus(redis, channel, logger);
  buses.push(bus);
  const heard: Invalidation[] = [];
  bus.subscribe((invalidation) => heard.push(invalidation));
  return { name, redis, bus, heard };
}

/**
 * The id of the node's own subscriber connection once it is subscribed (CLIENT LIST, by its name):
 * not PUBSUB NUMSUB, which counts the earlier tests' nodes too, still subscribed to this channel.
 */
async function subscriberId(node: { name: string; redis: Redis }): Promise<string | undefined> {
  return ((await node.redis.client('LIST')) as string)
    .split('\n')
    .find((line) => line.includes(`name=${node.name}:invalidations `) && / sub=1 /.test(line))
    ?.match(/^id=(\d+)/)?.[1];
}
const subscribed = (...nodes: { name: string; redis: Redis }[]) =>
  eventually(async () => (await Promise.all(nodes.map(subscriberId))).every(Boolean), 'the subscriptions');

afterAll(async () => {
  for (const bus of buses) await bus.close();
  for (const client of clients) await closeRedis(client);
});

const membership: Invalidation = { kind: 'membership', appId: 'a', channelId: 'c', userId: 'u' };

describe('the Redis invalidation bus', () => {
  it("reaches every other node once, and the publisher's own listeners before publish returns", async () => {
    const [first, second, third] = [await node(), await node(), await node()];
    await subscribed(first, second, third);
    const publishing = first.bus.publish(membership);
    expect(first.heard).toEqual([membership]);
    await publishing;
    await eventually(() => second.heard.length === 1 && third.heard.length === 1, 'the others to hear it');
    // Nothing comes back to the publisher from Redis.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect([first.heard, second.heard, third.heard]).toEqual([[membership], [membership], [membership]]);
  });

  it('ignores what is not an invalidation on its channel', async () => {
    const listener = await node();
    await subscribed(listener);
    for (const text of ['not json', '{"origin":"x","invalidation":{"kind":"membership"}}', '{"invalidation":{"kind":"nuke"}}']) {
      await listener.redis.publish(channel, text);
    }
    await listener.redis.publish(channel, JSON.stringify({ origin: 'another', invalidation: membership }));
    await eventually(() => listener.heard.length > 0, 'the valid one');
    expect(listener.heard).toEqual([membership]);
  });

  it('drops everything on a node whose subscription dropped, once it is back', async () => {
    const listener = await node();
    const id = await eventually(() => subscriberId(listener), "the node's subscriber connection");
    await listener.redis.client('KILL', 'ID', id);
    await eventually(() => listener.heard.some((invalidation) => invalidation.kind === 'everything'), 'everything dropped', 5000);
    // And it hears again.
    const other = await node();
    await eventually(() => other.bus.publish(membership).then(() => listener.heard.some((invalidation) => invalidation.kind === 'membership')), 'hearing again', 5000, 100);
  });

  it("never fails the caller when Redis cannot take a publish, and still applies it on its node", async () => {
    const lonely = await node();
    lonely.redis.disconnect();
    await expect(lonely.bus.publish(membership)).resolves.toBeUndefined();
    expect(lonely.heard).toEqual([membership]);
  });
});
