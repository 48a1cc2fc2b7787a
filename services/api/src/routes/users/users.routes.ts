import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { UsersService } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { PageQuery } from '../shared.schemas.ts';
import { UpsertUserBody, User, UserParams } from './users.schemas.ts';

/**
 * Server-side user management: a tenant backend registers users and learns their
 * internal ids (what `members` takes) without minting tokens. Behind X-API-Key.
 */
export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService }> = async (app, { users }) => {
  app.post(
    '/api/users',
    { schema: { body: UpsertUserBody, response: { 200: User } } },
    async (request) => users.upsert(tenantOf(request), request.body),
  );

  app.get(
    '/api/users',
    { schema: { querystring: PageQuery, response: { 200: Type.Array(User) } } },
    async (request) =>
      users.list(tenantOf(request), { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 }),
  );

  app.get(
    '/api/users/:id',
    { schema: { params: UserParams, response: { 200: User } } },
    async (request) => users.get(tenantOf(request), request.params.id),
  );
};
