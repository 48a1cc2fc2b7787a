import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PageQuery, UpsertUserRequest, User, UserParams } from '@heyyo/contracts';
import type { UsersService } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

/**
 * Server-side user management: a tenant backend registers users and learns their
 * internal ids (what `members` takes) without minting tokens. Behind X-API-Key.
 */
export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService }> = async (app, { users }) => {
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
};
