import type { Logger } from '@heyyo/logging';
import type { EventPublisher } from './publisher.ts';
import { createRoomPublisher, type SocketServer } from './room-publisher.ts';

/**
 * Publishes through this process's own Socket.IO server: the memory engine's publisher
 * (one node, no Redis). Events before the gateway is attached reach no one, as no socket
 * can be connected yet.
 */
export function createServerEventPublisher(logger: Logger): EventPublisher & { attach(server: SocketServer): void } {
  let server: SocketServer | undefined;
  return {
    ...createRoomPublisher(
      () => server,
      (error, event) => logger.warn({ err: error, event }, 'event not published; clients will catch up by seq'),
    ),
    attach(attached) {
      server = attached;
    },
  };
}
