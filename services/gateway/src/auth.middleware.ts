import { bearerToken } from '@heyyo/auth';
import { ErrorCodes } from '@heyyo/contracts';
import { Errors, HeyyoError, isDependencyUnavailable } from '@heyyo/chat';
import type { SocketAuthenticator } from './socket-auth.ts';
import type { GatewaySocket } from './types.ts';

/** The error a client sees as `connect_error`; `data.code` tells expiry apart. */
function connectError(message: 'Authentication required' | 'Invalid token', code: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Handshake auth: the user JWT in `auth.token` (the seed), or an
 * `Authorization: Bearer` header for non-browser clients.
 */
export function authenticateHandshake(authenticate: SocketAuthenticator, prepareSocket: (socket: GatewaySocket) => Promise<void>) {
  return async (socket: GatewaySocket, next: (error?: Error) => void) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof fromAuth === 'string' && fromAuth ? fromAuth : bearerToken(socket.handshake.headers.authorization);
    try {
      const { actor, expiresAtMs } = await authenticate(socket, token);
      socket.data.actor = actor;
      socket.data.tokenExpiresAtMs = expiresAtMs;
      socket.data.token = token!;
      // Rooms are joined before the client sees `connect`, so no event falls in between.
      await prepareSocket(socket);
      next();
    } catch (error) {
      if (error instanceof HeyyoError && error.code === ErrorCodes.AUTH_REQUIRED) {
        return next(connectError('Authentication required', error.code));
      }
      // A connection cap (gateway.ts) or the failed-credential limits: the message says which.
      if (error instanceof HeyyoError && error.code === ErrorCodes.RATE_LIMITED) {
        return next(Object.assign(new Error(error.message), { data: { code: error.code } }));
      }
      if (error instanceof HeyyoError) return next(connectError('Invalid token', error.code));
      // Postgres or Redis unavailable: the client's reconnection retries (Socket.IO backs off by itself).
      if (isDependencyUnavailable(error)) {
        const { message, code } = Errors.unavailable();
        return next(Object.assign(new Error(message), { data: { code } }));
      }
      next(Object.assign(new Error('Internal server error'), { data: { code: ErrorCodes.INTERNAL } }));
    }
  };
}
