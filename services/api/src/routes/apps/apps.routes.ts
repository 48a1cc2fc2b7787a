import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppSummary, CreateAppRequest, CreatedApp, PageQuery } from '@heyyo/contracts';
import { Errors, type AppsService, type CredentialLimiter } from '@heyyo/chat';
import { requireAdmin } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

export interface AppsRoutesOptions {
  apps: AppsService;
  adminToken: string | undefined;
  /** Admin-token guesses meet the failed-credential limits. */
  limiter: CredentialLimiter;
}

const ADMIN_NOTE =
  'Admin-only: `Authorization: Bearer <HEYYO_ADMIN_TOKEN>`. Open only on a development node without an admin token ' +
  '(production refuses to start without one); the seed left app creation open.';

/** Tenant management; admin-only whenever HEYYO_ADMIN_TOKEN is set. */
export const appsRoutes: FastifyPluginAsyncTypebox<AppsRoutesOptions> = async (app, { apps, adminToken, limiter }) => {
  app.addHook('onRequest', requireAdmin(adminToken, limiter));

  app.post(
    '/api/apps',
    {
      schema: documented(
        { summary: 'Create an application (tenant)', description: ADMIN_NOTE, tag: 'Apps', auth: 'admin' },
        { body: CreateAppRequest, response: { 201: CreatedApp } },
      ),
    },
    async (request, reply) => {
      const name = request.body.name.trim();
      if (!name) throw Errors.validation('name must not be empty');
      return reply.status(201).send(await apps.create(name));
    },
  );

  app.get(
    '/api/apps',
    {
      schema: documented(
        { summary: 'List applications', description: ADMIN_NOTE, tag: 'Apps', auth: 'admin' },
        { querystring: PageQuery, response: { 200: Type.Array(AppSummary) } },
      ),
    },
    async (request) => apps.list({ limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 }),
  );
};
