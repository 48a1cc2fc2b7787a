import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { bearerToken, constantTimeEqual } from '@heyyo/auth';
import { Errors, type Actor, type AuthService } from '@heyyo/chat';
import type { AppId } from '@heyyo/database';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the user-auth hook on every route that requires a user JWT. */
    actor: Actor | null;
    /** Set by the API-key hook on server-side routes. */
    tenant: AppId | null;
  }
}

/** onRequest hook: the request must carry a valid user JWT. */
export function requireUser(auth: AuthService): onRequestAsyncHookHandler {
  return async (request) => {
    request.actor = await auth.authenticate(bearerToken(request.headers.authorization));
  };
}

/** The actor of a route behind `requireUser`. */
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
export function requireAppCredentials(auth: AuthService): onRequestAsyncHookHandler {
  return async (request) => {
    request.tenant = await auth.authenticateApp(header(request, 'x-api-key'), header(request, 'x-api-secret'));
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
export function requireAdmin(adminToken: string | undefined): onRequestAsyncHookHandler {
  return async (request) => {
    if (adminToken === undefined) return;
    const presented = bearerToken(request.headers.authorization);
    if (!presented) throw Errors.adminTokenRequired();
    if (!constantTimeEqual(presented, adminToken)) throw Errors.invalidAdminToken();
  };
}
