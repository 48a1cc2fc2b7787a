import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@heyyo/contracts';
import type { Actor } from '@heyyo/chat';
import type { PresenceConnection } from '@heyyo/realtime';

/** What the handshake proved, kept on the socket for its lifetime. */
export interface SocketData {
  actor: Actor;
  presence: PresenceConnection;
  /** When the socket's token expires (ms since the epoch): set at the handshake, moved by `auth.refresh`. */
  tokenExpiresAtMs: number;
  /** The token itself (the handshake's, or the latest `auth.refresh`'s): checked again after a revocation. */
  token: string;
}

// eslint-style note: Socket.IO's four generics are client events, server events, inter-server events, data.
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
