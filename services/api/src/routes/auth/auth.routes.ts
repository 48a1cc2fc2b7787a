import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TokenRequest, TokenResponse } from '@heyyo/contracts';
import { Errors, type AuthService, type CredentialLimiter } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

export interface AuthRoutesOptions {
  auth: AuthService;
  maxTtlSeconds: number;
  /** Wrong secrets meet the failed-credential limits (per IP, per api_key). */
  limiter: CredentialLimiter;
}

/** Tenant backends trade api_key + api_secret + their user id for a user JWT. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { auth, maxTtlSeconds, limiter }) => {
  app.post(
    '/api/auth/token',
    {
      schema: documented(
        {
          summary: 'Issue a user token',
          description:
            "Call it from your backend (never ship api_secret to browsers). Creates the user on first sight and keeps " +
            'display_name / avatar_url up to date. The returned JWT authorises REST (`Authorization: Bearer`) and ' +
            'Socket.IO (`auth.token`). A deactivated user gets none: 403 `HEYYO_ERR_USER_DEACTIVATED`, and their ' +
            'profile stays as it was.',
          tag: 'Auth',
          auth: 'none',
          errors: [401, 403],
        },
        { body: TokenRequest, response: { 200: TokenResponse } },
      ),
      // After validation (a bad body is a 400 whatever the credentials), before the rate limit:
      // a failed check spends only the failure budgets, never the app's token budget.
      preHandler: async (request) => {
        const { api_key: apiKey, api_secret: apiSecret } = request.body;
        request.tenant = await limiter.guard(request.ip, apiKey, () => auth.authenticateApp(apiKey, apiSecret));
      },
      // A tenant mints tokens for all its users from a few servers: limit per app (the one whose
      // credentials were just checked, so nobody else can spend its budget), not per IP.
      config: { rateLimit: { keyGenerator: (request) => `token:${tenantOf(request)}` } },
    },
    async (request) => {
      if (request.body.ttl !== undefined && request.body.ttl > maxTtlSeconds) {
        throw Errors.validation(`ttl must be <= ${maxTtlSeconds}`);
      }
      return auth.issueUserToken(tenantOf(request), request.body);
    },
  );
};
