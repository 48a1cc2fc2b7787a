import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  DeleteUserQuery,
  PageQuery,
  RevokeTokensQuery,
  RevokeTokensResponse,
  UpdateUserRequest,
  UpsertUserRequest,
  User,
  UserExport,
  UserParams,
} from '@heyyo/contracts';
import type { AuthService, UsersService } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { answerPage, listPage } from '../../plugins/paging.ts';
import { documented, PAGED } from '../route-docs.ts';

/**
 * Server-side user management: a tenant backend registers users and learns their
 * internal ids (what `members` takes) without minting tokens. Behind X-API-Key.
 */
export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService; auth: AuthService }> = async (app, { users, auth }) => {
  app.post(
    '/api/users',
    {
      schema: documented(
        {
          summary: 'Create or update a user',
          description: 'A deactivated user stays deactivated (see `POST /api/users/:id/reactivate`).',
          tag: 'Users',
          auth: 'app',
        },
        { body: UpsertUserRequest, response: { 200: User } },
      ),
    },
    async (request) => users.upsert(tenantOf(request), request.body),
  );

  app.get(
    '/api/users',
    {
      schema: documented(
        { summary: "List the app's users", description: `In creation order. ${PAGED}`, tag: 'Users', auth: 'app', paged: true },
        { querystring: PageQuery, response: { 200: Type.Array(User) } },
      ),
    },
    async (request, reply) => {
      const page = listPage(request.query, 100);
      return answerPage(request, reply, page, await users.list(tenantOf(request), page));
    },
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

  app.patch(
    '/api/users/:id',
    {
      schema: documented(
        {
          summary: "Change a user's profile or metadata",
          description:
            'Omitted fields stay; null clears `display_name` or `avatar_url`; `metadata` replaces the stored object ' +
            '(bounded like a channel\'s). A deactivated user can be changed; an erased one cannot (409 `HEYYO_ERR_USER_ERASED`).',
          tag: 'Users',
          auth: 'app',
          errors: [404, 409],
        },
        { params: UserParams, body: UpdateUserRequest, response: { 200: User } },
      ),
    },
    async (request) => users.update(tenantOf(request), request.params.id, request.body),
  );

  app.delete(
    '/api/users/:id',
    {
      schema: documented(
        {
          summary: 'Deactivate or erase a user',
          description:
            'Deactivates the user: every token of theirs is refused by every API node and gateway within a second ' +
            '(403 `HEYYO_ERR_USER_DEACTIVATED`; sockets get `auth.revoked` and are disconnected) and none is minted until ' +
            '`POST /api/users/:id/reactivate`. With `?hard=true` it also erases them (GDPR): their messages become ' +
            'tombstones, their reactions and memberships are removed (members get `member.left`), their profile is wiped ' +
            'and their external id freed. Answers the user as it is then; repeating either is harmless.',
          tag: 'Users',
          auth: 'app',
          errors: [404],
        },
        { params: UserParams, querystring: DeleteUserQuery, response: { 200: User } },
      ),
    },
    async (request) =>
      request.query.hard
        ? users.erase(tenantOf(request), request.params.id)
        : users.deactivate(tenantOf(request), request.params.id),
  );

  app.post(
    '/api/users/:id/reactivate',
    {
      schema: documented(
        {
          summary: 'Reactivate a deactivated user',
          description:
            'Tokens can be minted for the user again; those from before the deactivation stay refused. An erased user ' +
            'cannot come back (409 `HEYYO_ERR_USER_ERASED`): mint a token for their external id to create a new user.',
          tag: 'Users',
          auth: 'app',
          errors: [404, 409],
        },
        { params: UserParams, response: { 200: User } },
      ),
    },
    async (request) => users.reactivate(tenantOf(request), request.params.id),
  );

  app.get(
    '/api/users/:id/export',
    {
      schema: documented(
        {
          summary: 'Export everything stored about a user',
          description:
            'Profile and metadata, token revocations, memberships with roles and read positions, reactions (removed ' +
            'ones too) and every message with what it still stores (deleted ones included), as one JSON document ' +
            'streamed page by page: any number of messages. The pages are read one after another, not as one ' +
            'snapshot; a failure after the first byte ends the response early (retry).',
          tag: 'Users',
          auth: 'app',
          errors: [404],
        },
        { params: UserParams, response: { 200: UserExport } },
      ),
    },
    async (request, reply) => {
      const chunks = await users.export(tenantOf(request), request.params.id);
      // A stream is sent as it is read: no serialization, memory bounded by its pages (the shape is the
      // contract's: the tests check it).
      const body = Readable.from(chunks, { highWaterMark: 2 });
      return reply.type('application/json; charset=utf-8').send(body as unknown as UserExport);
    },
  );
};
