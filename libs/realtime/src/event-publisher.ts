import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { Logger } from '@heyyo/logging';
import type { RedisKeys } from './keys.ts';
import type { EventPublisher } from './publisher.ts';
import { createRoomPublisher } from './room-publisher.ts';

/**
 * Publishes through @socket.io/redis-emitter, so any node (API or gateway) reaches
 * sockets on every gateway through the Redis adapter. Each event is encoded once
 * and published once, whatever the number of receivers.
 */
export function createRedisEventPublisher(redis: Redis, keys: RedisKeys, logger: Logger): EventPublisher {
  // The emitter does not handle publish failures; an unhandled rejection would end the process.
  const client = {
    publish: (channel: string, message: string | Buffer) =>
      redis.publish(channel, message).catch((error: unknown) => {
        logger.warn({ err: error }, 'event publish failed; clients will catch up by seq');
      }),
  };
  const emitter = new Emitter(client, { key: keys.socketIo });

  return createRoomPublisher(
    () => emitter,
    (error, event) => logger.warn({ err: error, event }, 'event not published; clients will catch up by seq'),
  );
}
