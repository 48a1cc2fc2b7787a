import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { BanRequest, ChannelParams, Confirmation, MemberParams, MuteRequest, PageQuery, Restriction } from '@heyyo/contracts';
import type { ModerationService, RestrictionInput } from '@heyyo/chat';
import { actorOf } from '../../plugins/auth.ts';
import { answerPage, listPage } from '../../plugins/paging.ts';
import { documented, PAGED } from '../route-docs.ts';

const MODERATORS = 'Moderators, owners and app admins; a moderator cannot restrict an owner (403).';

const restrictionInput = (body: { user_id: string; expires_in?: number; reason?: string }): RestrictionInput => ({
  userId: body.user_id,
  expiresInSeconds: body.expires_in,
  reason: body.reason,
});

/** Channel bans and mutes. Mounted behind the user-auth hook. */
export const moderationRoutes: FastifyPluginAsyncTypebox<{ moderation: ModerationService }> = async (app, { moderation }) => {
  /** `GET /api/channels/:id/<kind>`: a page of the channel's bans or mutes in force. */
  const listInForce = (kind: 'bans' | 'mutes', list: ModerationService['listBans']) =>
    app.get(
      `/api/channels/:id/${kind}`,
      {
        schema: documented(
          {
            summary: `A channel's ${kind} in force`,
            description: `${MODERATORS} Newest first. ${PAGED}`,
            tag: 'Moderation',
            auth: 'user',
            errors: [403, 404],
            paged: true,
          },
          { params: ChannelParams, querystring: PageQuery, response: { 200: Type.Array(Restriction) } },
        ),
      },
      async (request, reply) => {
        const page = listPage(request.query, 100);
        return answerPage(request, reply, page, await list(actorOf(request), request.params.id, page));
      },
    );

  app.post(
    '/api/channels/:id/bans',
    {
      schema: documented(
        {
          summary: 'Ban a user from a channel',
          description:
            `${MODERATORS} The user stops being a member; their connections leave the room on every gateway at once, and the ` +
            'channel and the user get `member.banned`. Until the ban ends (`expires_in` seconds; omitted: until lifted) their ' +
            'reads, sends and joins answer 403 `HEYYO_ERR_BANNED` and nobody can add them. Banning again replaces the ban.',
          tag: 'Moderation',
          auth: 'user',
          errors: [400, 403, 404, 409],
        },
        { params: ChannelParams, body: BanRequest, response: { 200: Restriction } },
      ),
    },
    async (request) => moderation.ban(actorOf(request), request.params.id, restrictionInput(request.body)),
  );

  app.delete(
    '/api/channels/:id/bans/:userId',
    {
      schema: documented(
        {
          summary: 'Lift a ban',
          description: `${MODERATORS} The user may join again; the channel gets \`member.unbanned\`. Lifting a ban that is not there changes nothing.`,
          tag: 'Moderation',
          auth: 'user',
          errors: [403, 404],
        },
        { params: MemberParams, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await moderation.unban(actorOf(request), request.params.id, request.params.userId);
      return { message: 'Ban lifted' };
    },
  );

  listInForce('bans', moderation.listBans);

  app.post(
    '/api/channels/:id/mutes',
    {
      schema: documented(
        {
          summary: 'Mute a member',
          description:
            `${MODERATORS} The member keeps reading; until the mute ends (\`expires_in\` seconds; omitted: until lifted) their ` +
            'sends, edits, reactions and typing answer 403 `HEYYO_ERR_MUTED` on every node. The channel gets `member.muted`. ' +
            'Muting again replaces the mute.',
          tag: 'Moderation',
          auth: 'user',
          errors: [400, 403, 404],
        },
        { params: ChannelParams, body: MuteRequest, response: { 200: Restriction } },
      ),
    },
    async (request) => moderation.mute(actorOf(request), request.params.id, restrictionInput(request.body)),
  );

  app.delete(
    '/api/channels/:id/mutes/:userId',
    {
      schema: documented(
        {
          summary: 'Lift a mute',
          description: `${MODERATORS} The channel gets \`member.unmuted\`. Lifting a mute that is not there changes nothing.`,
          tag: 'Moderation',
          auth: 'user',
          errors: [403, 404],
        },
        { params: MemberParams, response: { 200: Confirmation } },
      ),
    },
    async (request) => {
      await moderation.unmute(actorOf(request), request.params.id, request.params.userId);
      return { message: 'Mute lifted' };
    },
  );

  listInForce('mutes', moderation.listMutes);
};
