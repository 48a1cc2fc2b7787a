import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Errors, type AuthService } from '@heyyo/chat';
import { TokenBody, TokenResult } from './auth.schemas.ts';

/** Tenant backends trade api_key + api_secret + their user id for a user JWT. */
export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; maxTtlSeconds: number }> = async (
  app,
  { auth, maxTtlSeconds },
) => {
  app.post(
    '/api/auth/token',
    {
      schema: { body: TokenBody, response: { 200: TokenResult } },
      // A tenant mints tokens for all its users from a few servers: limit per app, not per IP.
      config: {
        rateLimit: {
          keyGenerator: (request) => `app:${(request.body as { api_key?: string } | undefined)?.api_key ?? request.ip}`,
        },
      },
    },
    async (request) => {
      if (request.body.ttl !== undefined && request.body.ttl > maxTtlSeconds) {
        throw Errors.validation(`ttl must be <= ${maxTtlSeconds}`);
      }
      return auth.issueUserToken(request.body);
    },
  );
};
