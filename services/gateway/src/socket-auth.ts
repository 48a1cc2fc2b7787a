import proxyAddr from '@fastify/proxy-addr';
import { authenticateUser, type Actor, type AuthService, type CredentialLimiter } from '@heyyo/chat';
import type { GatewaySocket } from './types.ts';

/** Checks a token a socket presents (at the handshake, in `auth.refresh`). */
export type SocketAuthenticator = (socket: GatewaySocket, token: string | undefined) => Promise<{ actor: Actor; expiresAtMs: number }>;

/**
 * The client's address, as the API sees it: behind a trusted load balancer (HEYYO_TRUST_PROXY)
 * the first X-Forwarded-For entry, else the connection's peer (Fastify's `request.ip`, the same
 * library).
 */
export function socketClientIp(socket: GatewaySocket, trustProxy: boolean): string {
  return proxyAddr(socket.request, () => trustProxy);
}

/**
 * Tokens under the failed-credential limits of the client's IP, which REST shares: an invalid one
 * is charged, and an IP past its failures is refused (HEYYO_ERR_RATE_LIMITED) without a check.
 */
export function createSocketAuthenticator(auth: AuthService, limiter: CredentialLimiter, trustProxy: boolean): SocketAuthenticator {
  return (socket, token) => authenticateUser(auth, limiter, socketClientIp(socket, trustProxy), token);
}
