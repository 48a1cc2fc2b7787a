import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TokenRequest, TokenResponse } from '@heyyo/contracts';
import { Errors, type AuthService } from '@heyyo/chat';
import { documented } from '../route-docs.ts';

/** Tenant backends trade api_key + api_secret + their user id for a user JWT. */
export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; maxTtlSeconds: number }> = async (
  app,
  { auth, maxTtlSeconds },
) => {
  app.post(
    '/api/auth/token',
    {
      schema: documented(
        {
          summary: 'Issue a user token',
          description:
            "Call it from your backend (never ship api_secret to browsers). Creates the user on first sight and keeps " +
            'display_name / avatar_url up to date. The returned JWT authorises REST (`Authorization: Bearer`) and ' +
            'Socket.IO (`auth.token`).',
          tag: 'Auth',
          auth: 'none',
          errors: [401],
        },
        { body: TokenRequest, response: { 200: TokenResponse } },
      ),
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
