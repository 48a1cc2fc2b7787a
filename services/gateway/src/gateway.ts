import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { channelRoom, userRoom } from '@heyyo/contracts';
import { Errors, type ChatServices, type CredentialLimiter, type WorkGate } from '@heyyo/chat';
import type { Config } from '@heyyo/config';
import type { Logger } from '@heyyo/logging';
import type { ConnectionCaps, InvalidationBus, PresenceStore, WriteBudget } from '@heyyo/realtime';
import type { GatewayAdapter } from './adapter.ts';
import { authenticateHandshake } from './auth.middleware.ts';
import { registerHandlers } from './event-handler.ts';
import { authRefreshHandler } from './handlers/auth-refresh.handler.ts';
import { channelJoinHandler } from './handlers/channel-join.handler.ts';
import { channelLeaveHandler } from './handlers/channel-leave.handler.ts';
import { messageSendHandler } from './handlers/message-send.handler.ts';
import { messageUpdateHandler } from './handlers/message-update.handler.ts';
import { messagesSyncHandler } from './handlers/messages-sync.handler.ts';
import { channelReadHandler } from './handlers/channel-read.handler.ts';
import { reactionHandlers } from './handlers/reaction.handler.ts';
import { typingHandlers } from './handlers/typing.handler.ts';
import { createPresenceAnnouncer } from './presence-announcer.ts';
import { startPresenceLoop } from './presence-loop.ts';
import { TokenBucket } from './rate-limiter.ts';
import { createSocketAuthenticator } from './socket-auth.ts';
import { createTokenExpiryTimers } from './token-expiry.ts';
import { disconnectRevokedSockets } from './token-revocation.ts';
import { budgeted } from './write-budget.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

export interface GatewayOptions {
  config: Readonly<Config>;
  logger: Logger;
  services: ChatServices;
  presence: PresenceStore;
  /** Each user's budget of messages and reactions, shared with REST and every gateway. */
  writeBudget: WriteBudget;
  /** Failed credential checks per IP, shared with REST: invalid tokens at the handshake and in `auth.refresh`. */
  credentialLimiter: CredentialLimiter;
  /** The node's bound on work in progress, shared with REST: socket events past it are refused at once. */
  workGate: WorkGate;
  /** Records each handled event (metrics): `ok` or its ack's error code, and its duration. */
  observeEvent?: (event: string, outcome: string, seconds: number) => void;
  /** Cross-node fan-out (the Redis adapter); undefined: Socket.IO's in-memory adapter, one node. */
  adapter: GatewayAdapter | undefined;
  /** Unique per process; part of every connection id in presence. */
  nodeId: string;
  /** Where revocations are heard: sockets whose token was revoked are disconnected. */
  invalidations: InvalidationBus;
}

export interface Gateway {
  io: GatewayServer;
  /** Local connections now. */
  connectionCount(): number;
  /**
   * Disconnects this node's sockets (clients reconnect elsewhere) and waits for their presence
   * cleanup, at most `realtime.drainMs`. Resolves true when every cleanup finished.
   */
  drain(): Promise<boolean>;
  /** Closes the Socket.IO engine and the adapter's Redis connections (after drain()). */
  detach(): Promise<void>;
}

/** A handshake refused by a connection cap: `connect_error` HEYYO_ERR_RATE_LIMITED, which clients retry with backoff. */
const tooManyConnections = (full: 'user' | 'app', caps: ConnectionCaps) =>
  Errors.rateLimited(
    full === 'user'
      ? `Too many connections for this user (at most ${caps.perUser}): close one, or retry later`
      : `Too many connections for this app (at most ${caps.perApp}): retry later`,
  );

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
  // Expiry is checked at the handshake, and then by a timer per socket (auth.expired, auth.refresh).
  const tokenExpiry = createTokenExpiryTimers({
    graceMs: config.realtime.tokenRefreshGraceMs,
    logger,
    checkOutgoing: config.checkOutgoingShapes,
  });
  disconnectRevokedSockets(io, options.invalidations, services.auth, logger);
  const authenticate = createSocketAuthenticator(services.auth, options.credentialLimiter, config.http.trustProxy);
  const handlers = [
    budgeted(messageSendHandler(services.messages), options.writeBudget),
    budgeted(messageUpdateHandler(services.messages), options.writeBudget),
    ...typingHandlers(services.channels),
    channelJoinHandler(services.channels),
    channelLeaveHandler(services.channels),
    ...reactionHandlers(services.messages).map((handler) => budgeted(handler, options.writeBudget)),
    channelReadHandler(services.channels),
    messagesSyncHandler(services.messages),
    authRefreshHandler(authenticate, tokenExpiry),
  ];
  const caps: ConnectionCaps = { perUser: config.realtime.maxConnectionsPerUser, perApp: config.realtime.maxConnectionsPerApp };
  // Presence work still running (disconnects); drain() waits for it.
  const pending = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  io.use(
    authenticateHandshake(authenticate, async (socket) => {
      const { actor } = socket.data;
      socket.data.presence = { ...actor, connectionId: `${options.nodeId}:${socket.id}` };
      const channelIds = await services.channels.memberChannelIds(actor);
      await socket.join([userRoom(actor.userId), ...channelIds.map(channelRoom)]);
      // The caps count live connections on every gateway; a refused socket is never connected
      // (Socket.IO makes it leave the rooms above).
      const admission = await presence.admit(socket.data.presence, caps);
      if (!admission.admitted) throw tooManyConnections(admission.full, caps);
      if (admission.cameOnline) await announce(actor, 'online', channelIds);
    }),
  );

  io.on('connection', (socket) => {
    const log = logger.child({ socketId: socket.id, userId: socket.data.actor.userId });
    const bucket = new TokenBucket(config.realtime.socketEventsPerSecond, config.realtime.socketEventBurst);
    registerHandlers(socket, handlers, {
      bucket,
      gate: options.workGate,
      logger: log,
      checkOutgoing: config.checkOutgoingShapes,
      ...(options.observeEvent ? { observe: options.observeEvent } : {}),
    });
    tokenExpiry.watch(socket);
    socket.on('disconnect', () => tokenExpiry.forget(socket));

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
    async drain() {
      loop.stop();
      io.local.disconnectSockets(true);
      let timer: NodeJS.Timeout | undefined;
      const ranOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), config.realtime.drainMs);
      });
      const drained = await Promise.race([Promise.all([...pending]).then(() => true as const), ranOut]);
      clearTimeout(timer);
      if (!drained) {
        logger.warn({ pending: pending.size, drainMs: config.realtime.drainMs }, 'presence cleanup did not finish within the drain');
      }
      return drained;
    },
    async detach() {
      io.engine.close();
      await adapter?.close();
    },
  };
}
