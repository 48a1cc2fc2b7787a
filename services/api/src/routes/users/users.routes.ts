import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PageQuery, RevokeTokensQuery, RevokeTokensResponse, UpsertUserRequest, User, UserParams } from '@heyyo/contracts';
import type { AuthService, UsersService } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

/**
 * Server-side user management: a tenant backend registers users and learns their
 * internal ids (what `members` takes) without minting tokens. Behind X-API-Key.
 */
export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService; auth: AuthService }> = async (app, { users, auth }) => {
  app.post(
    '/api/users',
    {
      schema: documented(
        { summary: 'Create or update a user', tag: 'Users', auth: 'app' },
        { body: UpsertUserRequest, response: { 200: User } },
      ),
    },
    async (request) => users.upsert(tenantOf(request), request.body),
  );

  app.get(
    '/api/users',
    {
      schema: documented(
        { summary: "List the app's users", tag: 'Users', auth: 'app' },
        { querystring: PageQuery, response: { 200: Type.Array(User) } },
      ),
    },
    async (request) =>
      users.list(tenantOf(request), { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 }),
  );

  app.get(
    '/api/users/:id',
    {
      schema: documented(
        { summary: 'Get a user by internal id', tag: 'Users', auth: 'app', errors: [404] },
        { params: UserParams, response: { 200: User } },
      ),
    },
    async (request) => users.get(tenantOf(request), request.params.id),
  );

  app.post(
    '/api/users/:id/revoke-tokens',
    {
      schema: documented(
        {
          summary: "Revoke a user's tokens",
          description:
            'Every token of the user issued before now — or, with `?jti=`, only that one — is refused by every API node and ' +
            'gateway within a second (403 `HEYYO_ERR_TOKEN_REVOKED`); sockets using one get `auth.revoked` and are disconnected. ' +
            'Tokens minted afterwards work. Revoking twice is harmless.',
          tag: 'Users',
          auth: 'app',
          errors: [404],
        },
        { params: UserParams, querystring: RevokeTokensQuery, response: { 200: RevokeTokensResponse } },
      ),
    },
    async (request) => {
      const { jti } = request.query;
      const { revokedBefore } = await auth.revokeTokens(tenantOf(request), request.params.id, jti);
      return { user_id: request.params.id, revoked_before: revokedBefore?.toISOString() ?? null, jti: jti ?? null };
    },
  );
};
