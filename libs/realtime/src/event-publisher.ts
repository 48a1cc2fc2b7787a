import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import type { Logger } from '@heyyo/logging';
import type { RedisKeys } from './keys.ts';
import type { EventPublisher } from './publisher.ts';
import { createRoomPublisher, type SocketServer } from './room-publisher.ts';

/**
 * Publishes to sockets on every gateway. A node without a gateway publishes through
 * @socket.io/redis-emitter; a gateway, once attached, through its own Socket.IO server,
 * whose Redis adapter delivers to the node's own sockets in process and publishes once for
 * the other gateways — through the emitter, its own publish would come back from Redis
 * to be decoded and delivered (measured: most of a gateway's cost per message after the
 * socket writes). Either way each event is encoded once per hop, whatever the receivers.
 */
export function createRedisEventPublisher(
  redis: Redis,
  keys: RedisKeys,
  logger: Logger,
): EventPublisher & { attach(server: SocketServer): void } {
  // The emitter does not handle publish failures; an unhandled rejection would end the process.
  const client = {
    publish: (channel: string, message: string | Buffer) =>
      redis.publish(channel, message).catch((error: unknown) => {
        logger.warn({ err: error }, 'event publish failed; clients will catch up by seq');
      }),
  };
  const emitter = new Emitter(client, { key: keys.socketIo });
  let server: SocketServer | undefined;

  return {
    ...createRoomPublisher(
      () => server ?? emitter,
      (error, event) => logger.warn({ err: error, event }, 'event not published; clients will catch up by seq'),
    ),
    attach(attached) {
      server = attached;
    },
  };
}
