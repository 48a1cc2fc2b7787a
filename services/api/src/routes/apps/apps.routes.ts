import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppSummary, CreateAppRequest, CreatedApp, PageQuery } from '@heyyo/contracts';
import { Errors, type AppsService, type CredentialLimiter } from '@heyyo/chat';
import { requireAdmin } from '../../plugins/auth.ts';
import { answerPage, listPage } from '../../plugins/paging.ts';
import { documented, PAGED } from '../route-docs.ts';

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
        { summary: 'List applications', description: `Newest first. ${ADMIN_NOTE} ${PAGED}`, tag: 'Apps', auth: 'admin', paged: true },
        { querystring: PageQuery, response: { 200: Type.Array(AppSummary) } },
      ),
    },
    async (request, reply) => {
      const page = listPage(request.query, 100);
      return answerPage(request, reply, page, await apps.list(page));
    },
  );
};
