import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from '@heyyo/logging';
import { closeRedis, type RedisKeys } from '@heyyo/realtime';

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * The adapter calls these without handling their promises; a failure during a
 * Redis outage would be an unhandled rejection, which ends a Node process.
 * On our own dedicated clients we log it instead: the event is lost, clients catch up by seq.
 */
function logRejections(client: Redis, methods: readonly string[], logger: Logger, role: string): void {
  const target = client as unknown as Record<string, AsyncMethod>;
  for (const method of methods) {
    const original = target[method]!.bind(client);
    target[method] = (...args) =>
      original(...args).catch((error: unknown) => {
        logger.warn({ err: error, client: role, command: method }, 'socket.io adapter redis command failed');
        return undefined;
      });
  }
}

/**
 * The Redis adapter: broadcasts and room changes reach every gateway. It needs two
 * connections of its own, since a subscribed connection can do nothing else.
 */
export interface GatewayAdapter {
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

export function createRedisAdapter(redis: Redis, keys: RedisKeys, logger: Logger): GatewayAdapter {
  // The shared client refuses commands while disconnected; these two queue them instead, for
  // their first connection: a broadcast waits at most the command deadline (the adapter does
  // not await it), a subscription waits for Redis without a deadline, since a gateway must
  // never end up unsubscribed.
  const pubClient = redis.duplicate({ enableOfflineQueue: true });
  const subClient = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined });
  logRejections(pubClient, ['publish'], logger, 'pub');
  logRejections(subClient, ['subscribe', 'psubscribe'], logger, 'sub');
  for (const [role, client] of [['pub', pubClient], ['sub', subClient]] as const) {
    client.on('error', (error) => logger.warn({ err: error, client: role }, 'socket.io adapter redis error'));
  }
  return {
    adapter: createAdapter(pubClient, subClient, { key: keys.socketIo }),
    async close() {
      await Promise.all([pubClient, subClient].map((client) => closeRedis(client)));
    },
  };
}
