import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Errors, type AppsService } from '@heyyo/chat';
import { requireAdmin } from '../../plugins/auth.ts';
import { PageQuery } from '../shared.schemas.ts';
import { AppSummary, CreateAppBody, CreatedApp } from './apps.schemas.ts';

export interface AppsRoutesOptions {
  apps: AppsService;
  adminToken: string | undefined;
}

/** Tenant management; admin-only whenever HEYYO_ADMIN_TOKEN is set. */
export const appsRoutes: FastifyPluginAsyncTypebox<AppsRoutesOptions> = async (app, { apps, adminToken }) => {
  app.addHook('onRequest', requireAdmin(adminToken));

  app.post(
    '/api/apps',
    { schema: { body: CreateAppBody, response: { 201: CreatedApp } } },
    async (request, reply) => {
      const name = request.body.name.trim();
      if (!name) throw Errors.validation('name must not be empty');
      return reply.status(201).send(await apps.create(name));
    },
  );

  app.get(
    '/api/apps',
    { schema: { querystring: PageQuery, response: { 200: Type.Array(AppSummary) } } },
    async (request) => apps.list({ limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 }),
  );
};
