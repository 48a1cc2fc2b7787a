import type { AuthService } from '@heyyo/chat';
import { ErrorCodes } from '@heyyo/contracts';
import { HeyyoError } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import type { InvalidationBus } from '@heyyo/realtime';
import type { GatewayServer } from './types.ts';

/**
 * When some of a user's tokens are revoked or the user is deactivated (on any node), each of this
 * gateway's sockets of that user checks its token again, past the cache; a socket whose token is
 * revoked, or whose user is deactivated, gets `auth.revoked` (with that code) and is disconnected. Other failures (Postgres unavailable) leave the socket as
 * it is: the revocation is committed, and the next handshake or refresh enforces it.
 */
export function disconnectRevokedSockets(io: GatewayServer, invalidations: InvalidationBus, auth: AuthService, logger: Logger): void {
  invalidations.subscribe((invalidation) => {
    if (invalidation.kind !== 'tokens') return;
    for (const socket of io.of('/').sockets.values()) {
      const { actor, token } = socket.data;
      if (!actor || actor.userId !== invalidation.userId || actor.appId !== invalidation.appId) continue;
      auth.authenticateAfresh(token).catch((error: unknown) => {
        const code = error instanceof HeyyoError ? error.code : undefined;
        if (code !== ErrorCodes.TOKEN_REVOKED && code !== ErrorCodes.USER_DEACTIVATED) {
          return logger.warn({ err: error, socketId: socket.id }, 'could not recheck a token after a revocation');
        }
        socket.emit('auth.revoked', { code });
        socket.disconnect(true);
      });
    }
  });
}
