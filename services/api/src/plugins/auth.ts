import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { bearerToken, constantTimeEqual } from '@heyyo/auth';
import {
  authenticateUser,
  Errors,
  serverActor,
  type Actor,
  type AuthService,
  type CredentialLimiter,
  type Session,
} from '@heyyo/chat';
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
  interface FastifyContextConfig {
    /** The route also takes the app's API credentials: the tenant's backend acts with the app's whole scope. */
    serverApi?: boolean;
  }
}

/** onRequest hook: the request must carry a valid user JWT (checked under the failed-credential limits). */
export function requireUser(auth: AuthService, limiter: CredentialLimiter): onRequestAsyncHookHandler {
  return async (request) => {
    request.session = await authenticateUser(auth, limiter, request.ip, bearerToken(request.headers.authorization));
    request.actor = request.session.actor;
  };
}

/**
 * onRequest hook of the channel and message routes: a user JWT, or — on routes marked
 * `config: { serverApi: true }` — the app's `X-API-Key` + `X-API-Secret`, which make the actor
 * the app's backend (`serverActor`). A bearer token wins when both are sent.
 */
export function requireUserOrApp(auth: AuthService, limiter: CredentialLimiter): onRequestAsyncHookHandler {
  const asUser = requireUser(auth, limiter);
  const asApp = requireAppCredentials(auth, limiter);
  return async function (request, reply) {
    if (request.headers.authorization !== undefined || request.headers['x-api-key'] === undefined) {
      return asUser.call(this, request, reply);
    }
    if (!request.routeOptions.config.serverApi) throw Errors.userTokenRequired();
    await asApp.call(this, request, reply);
    request.actor = serverActor(tenantOf(request));
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
