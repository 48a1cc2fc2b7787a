import { Errors } from '@heyyo/chat';
import { defineHandler } from '../event-handler.ts';
import type { SocketAuthenticator } from '../socket-auth.ts';
import type { TokenExpiryTimers } from '../token-expiry.ts';

/**
 * `auth.refresh`: a new token of the socket's own user and app replaces its token, moving its
 * deadline (and cancelling a pending disconnect after `auth.expired`). Acknowledged with the new
 * expiry; a bad, expired or someone else's token is refused and changes nothing (a bad one counts
 * against the client's failed-credential limits, as at the handshake).
 */
export const authRefreshHandler = (authenticate: SocketAuthenticator, expiry: TokenExpiryTimers) =>
  defineHandler({
    event: 'auth.refresh',
    async handle(socket, { token }) {
      const { actor, expiresAtMs } = await authenticate(socket, token);
      const current = socket.data.actor;
      if (actor.appId !== current.appId || actor.userId !== current.userId) throw Errors.tokenForAnotherUser();
      socket.data.tokenExpiresAtMs = expiresAtMs;
      socket.data.token = token;
      expiry.watch(socket);
      return { success: true as const, expiresAt: new Date(socket.data.tokenExpiresAtMs).toISOString() };
    },
  });
