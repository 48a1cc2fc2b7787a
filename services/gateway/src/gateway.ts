import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { channelRoom, userRoom } from '@heyyo/contracts';
import type { ChatServices } from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import type { Logger } from '@heyyo/logging';
import type { PresenceStore } from '@heyyo/realtime';
import type { GatewayAdapter } from './adapter.ts';
import { authenticateHandshake } from './auth.middleware.ts';
import { registerHandlers } from './event-handler.ts';
import { channelJoinHandler } from './handlers/channel-join.handler.ts';
import { messageSendHandler } from './handlers/message-send.handler.ts';
import { messagesSyncHandler } from './handlers/messages-sync.handler.ts';
import { channelReadHandler } from './handlers/channel-read.handler.ts';
import { reactionHandlers } from './handlers/reaction.handler.ts';
import { typingHandlers } from './handlers/typing.handler.ts';
import { createPresenceAnnouncer } from './presence-announcer.ts';
import { startPresenceLoop } from './presence-loop.ts';
import { TokenBucket } from './rate-limiter.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

export interface GatewayOptions {
  config: Readonly<Config>;
  logger: Logger;
  services: ChatServices;
  presence: PresenceStore;
  /** Cross-node fan-out (the Redis adapter); undefined: Socket.IO's in-memory adapter, one node. */
  adapter: GatewayAdapter | undefined;
  /** Unique per process; part of every connection id in presence. */
  nodeId: string;
}

export interface Gateway {
  io: GatewayServer;
  /** Local connections now. */
  connectionCount(): number;
  /** Retracts this node's presence, disconnects its sockets (clients reconnect elsewhere), detaches. */
  close(): Promise<void>;
}

const channelIdsOf = (socket: GatewaySocket) =>
  [...socket.rooms].filter((room) => room.startsWith('channel:')).map((room) => room.slice('channel:'.length));

/** Socket.IO on an HTTP server (the API's in one process, or its own in a gateway node). */
export function attachGateway(server: HttpServer, options: GatewayOptions): Gateway {
  const { config, services, presence } = options;
  const logger = options.logger;
  const io: GatewayServer = new Server(server, {
    cors: { origin: config.http.corsOrigins.includes('*') ? true : config.http.corsOrigins },
    maxHttpBufferSize: config.limits.bodyBytes,
  });
  const { adapter } = options;
  if (adapter) io.adapter(adapter.adapter);

  const announce = createPresenceAnnouncer(services, logger);
  const handlers = [
    messageSendHandler(services.messages),
    ...typingHandlers(services.channels),
    channelJoinHandler(services.channels),
    ...reactionHandlers(services.messages),
    channelReadHandler(services.channels),
    messagesSyncHandler(services.messages),
  ];
  // Presence work still running (connects, disconnects); close() waits for it.
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  io.use(
    authenticateHandshake(services.auth, async (socket) => {
      const { actor } = socket.data;
      socket.data.presence = { ...actor, connectionId: `${options.nodeId}:${socket.id}` };
      const channelIds = await services.channels.memberChannelIds(actor);
      await socket.join([userRoom(actor.userId), ...channelIds.map(channelRoom)]);
      if (await presence.connect(socket.data.presence)) await announce(actor, 'online', channelIds);
    }),
  );

  io.on('connection', (socket) => {
    const log = logger.child({ socketId: socket.id, userId: socket.data.actor.userId });
    const bucket = new TokenBucket(config.realtime.socketEventsPerSecond, config.realtime.socketEventBurst);
    registerHandlers(socket, handlers, { bucket, logger: log, checkOutgoing: config.checkOutgoingShapes });

    socket.on('disconnecting', () => {
      // Rooms are still known here; on 'disconnect' they are gone.
      const channelIds = channelIdsOf(socket);
      track(
        presence
          .disconnect(socket.data.presence)
          .then((wentOffline) => (wentOffline ? announce(socket.data.actor, 'offline', channelIds) : undefined))
          .catch((error: unknown) => log.warn({ err: error }, 'presence disconnect failed')),
      );
    });
  });

  const loop = startPresenceLoop(io, presence, announce, config.realtime, logger);
  logger.info({ nodeId: options.nodeId }, 'gateway attached');

  return {
    io,
    connectionCount: () => io.of('/').sockets.size,
    async close() {
      loop.stop();
      io.local.disconnectSockets(true);
      const drained = Promise.all([...pending]);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, config.realtime.drainMs))]);
      await adapter?.close();
      io.engine.close();
    },
  };
}
