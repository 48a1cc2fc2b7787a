import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { VerifyResponse } from '@heyyo/contracts';
import { sessionOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

/** What a user token proves, for a client or a backend holding one. Mounted behind the user-auth hook. */
export const verifyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/auth/verify',
    {
      schema: documented(
        {
          summary: 'Verify a user token',
          description:
            'The token in `Authorization: Bearer` is checked as on every request (signature, expiry, revocation, the user exists). ' +
            'A token that fails is answered as anywhere else: 401 without one, 403 for an invalid, expired or revoked one.',
          tag: 'Auth',
          auth: 'user',
        },
        { response: { 200: VerifyResponse } },
      ),
    },
    async (request) => {
      const { actor, expiresAtMs } = sessionOf(request);
      return {
        valid: true as const,
        user_id: actor.userId,
        external_id: actor.externalId,
        app_id: actor.appId,
        role: actor.appRole === 'admin' ? ('admin' as const) : ('user' as const),
        exp: Math.floor(expiresAtMs / 1000),
      };
    },
  );
};
