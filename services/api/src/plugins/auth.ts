import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { bearerToken, constantTimeEqual } from '@heyyo/auth';
import { authenticateUser, Errors, type Actor, type AuthService, type CredentialLimiter, type Session } from '@heyyo/chat';
import type { AppId } from '@heyyo/database';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the user-auth hook on every route that requires a user JWT. */
    actor: Actor | null;
    /** The token behind `actor`: its expiry and id (`GET /api/auth/verify`). */
    session: Session | null;
    /** The app whose credentials were checked: server-side routes' API-key hook, token minting. */
    tenant: AppId | null;
  }
}

/** onRequest hook: the request must carry a valid user JWT (checked under the failed-credential limits). */
export function requireUser(auth: AuthService, limiter: CredentialLimiter): onRequestAsyncHookHandler {
  return async (request) => {
    request.session = await authenticateUser(auth, limiter, request.ip, bearerToken(request.headers.authorization));
    request.actor = request.session.actor;
  };
}

/** The actor of a route behind `requireUser`. */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw Errors.authRequired();
  return request.session;
}

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw Errors.authRequired();
  return request.actor;
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * onRequest hook for server-side routes: the tenant backend's `X-API-Key` and
 * `X-API-Secret` headers. Never for browsers: the secret must stay on servers.
 */
export function requireAppCredentials(auth: AuthService, limiter: CredentialLimiter): onRequestAsyncHookHandler {
  return async (request) => {
    const apiKey = header(request, 'x-api-key');
    request.tenant = await limiter.guard(request.ip, apiKey, () =>
      auth.authenticateApp(apiKey, header(request, 'x-api-secret')),
    );
  };
}

/** The tenant of a route behind `requireAppCredentials`. */
export function tenantOf(request: FastifyRequest): AppId {
  if (!request.tenant) throw Errors.authRequired();
  return request.tenant;
}

/**
 * onRequest hook for admin routes. With no admin token configured (local
 * development only: production refuses to start without one) they are open.
 */
export function requireAdmin(adminToken: string | undefined, limiter: CredentialLimiter): onRequestAsyncHookHandler {
  return async (request) => {
    if (adminToken === undefined) return;
    await limiter.guard(request.ip, undefined, async () => {
      const presented = bearerToken(request.headers.authorization);
      if (!presented) throw Errors.adminTokenRequired();
      if (!constantTimeEqual(presented, adminToken)) throw Errors.invalidAdminToken();
    });
  };
}
