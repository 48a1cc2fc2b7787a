import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppBan, AppBanRequest, Confirmation, UserParams } from '@heyyo/contracts';
import type { ModerationService } from '@heyyo/chat';
import { tenantOf } from '../../plugins/auth.ts';
import { documented } from '../route-docs.ts';

/** App-wide bans, set by the tenant's backend. Behind X-API-Key. */
export const appBansRoutes: FastifyPluginAsyncTypebox<{ moderation: ModerationService }> = async (app, { moderation }) => {
  app.post(
    '/api/users/:id/ban',
    {
      schema: documented(
        {
          summary: 'Ban a user app-wide',
          description:
            'The user keeps reading, but until the ban ends (`expires_in` seconds; omitted: until lifted) every send, edit, ' +
            'reaction, join, channel creation and typing event of theirs answers 403 `HEYYO_ERR_BANNED`, on every node within a ' +
            "second; their connections get `user.banned`. Banning again replaces the ban. The body is optional.",
          tag: 'Users',
          auth: 'app',
          errors: [400, 404],
        },
        { params: UserParams, body: AppBanRequest, response: { 200: AppBan } },
      ),
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) =>
      moderation.banInApp(tenantOf(request), request.params.id, { expiresInSeconds: request.body.expires_in, reason: request.body.reason }),
  );

  app.delete(
    '/api/users/:id/ban',
    {
      schema: documented(
        {
          summary: "Lift a user's app-wide ban",
          description: "Their connections get `user.unbanned`. Lifting a ban that is not there changes nothing.",
          tag: 'Users',
          auth: 'app',
          errors: [404],
        },
        { params: UserParams, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await moderation.unbanInApp(tenantOf(request), request.params.id);
      return { message: 'Ban lifted' };
    },
  );
};
