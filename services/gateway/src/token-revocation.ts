import type { AuthService } from '@heyyo/chat';
import { ErrorCodes } from '@heyyo/contracts';
import { HeyyoError } from '@heyyo/chat';
import type { Logger } from '@heyyo/logging';
import type { InvalidationBus } from '@heyyo/realtime';
import type { GatewayServer, GatewaySocket } from './types.ts';

/** Sockets rechecked at once after this node may have missed revocations: each recheck is a Postgres read. */
const RECHECK_CONCURRENCY = 8;

/**
 * When some of a user's tokens are revoked or the user is deactivated (on any node), each of this
 * gateway's sockets of that user checks its token again, past the cache; a socket whose token is
 * revoked, or whose user is deactivated, gets `auth.revoked` (with that code) and is disconnected.
 * When this node may have missed such news (`everything`: its subscription was down), every
 * socket is rechecked, a few at a time. Other failures (Postgres unavailable) leave the socket as
 * it is: the revocation is committed, and the next handshake or refresh enforces it.
 */
export function disconnectRevokedSockets(io: GatewayServer, invalidations: InvalidationBus, auth: AuthService, logger: Logger): void {
  async function recheck(socket: GatewaySocket): Promise<void> {
    if (!socket.connected) return;
    try {
      await auth.authenticateAfresh(socket.data.token);
    } catch (error) {
      const code = error instanceof HeyyoError ? error.code : undefined;
      if (code !== ErrorCodes.TOKEN_REVOKED && code !== ErrorCodes.USER_DEACTIVATED) {
        return logger.warn({ err: error, socketId: socket.id }, 'could not recheck a token after a revocation');
      }
      socket.emit('auth.revoked', { code });
      socket.disconnect(true);
    }
  }

  // One sweep at a time; news of another missed stretch during a sweep runs one more after it.
  let sweeping = false;
  let sweepAgain = false;
  async function recheckEverySocket(): Promise<void> {
    if (sweeping) return void (sweepAgain = true);
    sweeping = true;
    do {
      sweepAgain = false;
      const pending = [...io.of('/').sockets.values()].filter((socket) => socket.data.actor);
      const worker = async () => {
        for (let socket = pending.pop(); socket; socket = pending.pop()) await recheck(socket);
      };
      await Promise.all(Array.from({ length: RECHECK_CONCURRENCY }, worker));
    } while (sweepAgain);
    sweeping = false;
  }

  invalidations.subscribe((invalidation) => {
    if (invalidation.kind === 'everything') return void recheckEverySocket();
    if (invalidation.kind !== 'tokens') return;
    for (const socket of io.of('/').sockets.values()) {
      const { actor } = socket.data;
      if (actor?.userId === invalidation.userId && actor.appId === invalidation.appId) void recheck(socket);
    }
  });
}
